"""Aggregating per-sample metric values: mean with a seeded bootstrap standard error."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Sequence

DEFAULT_BOOTSTRAP = 1000


@dataclass(frozen=True)
class MetricValue:
    """An aggregated metric: mean, bootstrap standard error and the number of samples used."""

    value: float | None
    stderr: float | None
    n: int

    def to_dict(self) -> dict[str, float | int | None]:
        return {"value": self.value, "stderr": self.stderr, "n": self.n}


def bootstrap_stderr(values: Sequence[float], seed: int = 0, n_boot: int = DEFAULT_BOOTSTRAP) -> float | None:
    """Standard deviation of the mean over `n_boot` resamples (None for fewer than 2 values)."""
    n = len(values)
    if n < 2:
        return None
    if min(values) == max(values):
        return 0.0
    try:
        import numpy as np

        rng = np.random.default_rng(seed)
        arr = np.asarray(values, dtype=float)
        means = arr[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
        return float(means.std(ddof=1))
    except ImportError:  # pragma: no cover - numpy is a dependency
        rnd = random.Random(seed)
        means = [sum(values[rnd.randrange(n)] for _ in range(n)) / n for _ in range(n_boot)]
        mu = sum(means) / n_boot
        return math.sqrt(sum((m - mu) ** 2 for m in means) / (n_boot - 1))


def mean_with_stderr(values: Sequence[float | None], seed: int = 0) -> MetricValue:
    """Mean over the defined values (None = not applicable, excluded) and its bootstrap stderr."""
    defined = [float(v) for v in values if v is not None]
    if not defined:
        return MetricValue(None, None, 0)
    return MetricValue(sum(defined) / len(defined), bootstrap_stderr(defined, seed), len(defined))
