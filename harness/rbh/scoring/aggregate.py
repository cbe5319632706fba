"""Aggregating per-sample metric values: mean with a seeded bootstrap standard error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_BOOTSTRAP = 1000
_MAX_DISTINCT = 4096
_CHUNK_CELLS = 8_000_000  # indices per chunk (~32 MB of int32)


@dataclass(frozen=True)
class MetricValue:
    """An aggregated metric: mean, bootstrap standard error and the number of samples used."""

    value: float | None
    stderr: float | None
    n: int

    def to_dict(self) -> dict[str, float | int | None]:
        return {"value": self.value, "stderr": self.stderr, "n": self.n}


def bootstrap_stderr(values: Sequence[float], seed: int = 0, n_boot: int = DEFAULT_BOOTSTRAP) -> float | None:
    """Standard deviation of the mean over `n_boot` resamples (None for fewer than 2 values).

    Resampling n values with replacement is a multinomial draw over the distinct values, so
    metrics with few distinct values (binary hits, recall fractions) cost O(n_boot x distinct),
    not O(n_boot x n); other inputs are resampled by index in bounded-memory chunks.
    """
    n = len(values)
    if n < 2:
        return None
    import numpy as np

    arr = np.asarray(values, dtype=float)
    if arr.min() == arr.max():
        return 0.0
    rng = np.random.default_rng(seed)
    uniq, counts = np.unique(arr, return_counts=True)
    if len(uniq) <= _MAX_DISTINCT:
        draws = rng.multinomial(n, counts / n, size=n_boot)
        means = draws @ uniq / n
    else:
        rows = max(1, _CHUNK_CELLS // n)
        means = np.concatenate(
            [arr[rng.integers(0, n, size=(min(rows, n_boot - start), n), dtype=np.int32)].mean(axis=1) for start in range(0, n_boot, rows)]
        )
    return float(means.std(ddof=1))


def mean_with_stderr(values: Sequence[float | None], seed: int = 0) -> MetricValue:
    """Mean over the defined values (None = not applicable, excluded) and its bootstrap stderr."""
    defined = [float(v) for v in values if v is not None]
    if not defined:
        return MetricValue(None, None, 0)
    return MetricValue(sum(defined) / len(defined), bootstrap_stderr(defined, seed), len(defined))
