"""Means of per-sample metric values with a seeded bootstrap standard error (what a scorer's
`aggregate` uses), micro ratios, and the resampling tables they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DEFAULT_BOOTSTRAP = 1000
_MAX_DISTINCT = 64  # up to this many distinct values: a multinomial draw over them
_SHARED_CELLS = 4_000_000  # up to n x n_boot this large: memoized resample weights shared by metrics
_DRAW_CELLS = 500_000  # resample counts drawn per chunk (4 MB of int64 draws)
_CHUNK_CELLS = 2_000_000  # indices per chunk (8 MB of int32; the values they gather, 16 MB): memory does not grow with n


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
    not O(n_boot x n); other inputs share memoized resample weights per n (one matrix product per
    metric), and very large ones are resampled by index in bounded-memory chunks.
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
    elif n * n_boot <= _SHARED_CELLS:
        means = _resample_weights(n, seed, n_boot) @ arr.astype(np.float32) / n
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


def resample_counts(n: int, seed: int = 0, n_boot: int = DEFAULT_BOOTSTRAP) -> "np.ndarray":
    """`n_boot` bootstrap resamples of n items as counts: row b says how often each item was
    drawn (read-only; the last few shapes are memoized, as task-level metrics share them)."""
    return _resample_counts(n, seed, n_boot)


@lru_cache(maxsize=2)
def _resample_weights(n: int, seed: int, n_boot: int) -> "np.ndarray":
    """`resample_counts` as float32 (for matrix products), memoized (the shapes of the task being
    scored: 1,000 × n cells each, so only the last two are kept)."""
    import numpy as np

    weights = _draw_counts(n, seed, n_boot).astype(np.float32)
    weights.setflags(write=False)
    return weights


@lru_cache(maxsize=2)
def _resample_counts(n: int, seed: int, n_boot: int) -> "np.ndarray":
    counts = _draw_counts(n, seed, n_boot)
    counts.setflags(write=False)
    return counts


def _draw_counts(n: int, seed: int, n_boot: int) -> "np.ndarray":
    """The seeded draws as an (n_boot, n) int32 table of counts."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, n), dtype=np.int32)
    rows = max(1, _DRAW_CELLS // n)  # drawn in chunks of rows: the same stream, bounded memory
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        draws = rng.integers(0, n, size=(stop - start, n), dtype=np.int64)
        draws += (np.arange(stop - start, dtype=np.int64) * n)[:, None]
        out[start:stop] = np.bincount(draws.ravel(), minlength=(stop - start) * n).reshape(stop - start, n)
    return out


def ratio_with_stderr(numerators: Sequence[float], denominators: Sequence[float], seed: int = 0) -> MetricValue:
    """Σ numerators / Σ denominators over samples (a micro mean), with a bootstrap stderr over
    samples; None when the denominators sum to 0."""
    import numpy as np

    n = len(numerators)
    den_total = float(sum(denominators))
    if n == 0 or den_total == 0:
        return MetricValue(None, None, n)
    value = float(sum(numerators)) / den_total
    if n < 2:
        return MetricValue(value, None, n)
    nums, dens = np.asarray(numerators, dtype=np.float64), np.asarray(denominators, dtype=np.float64)
    if n * DEFAULT_BOOTSTRAP <= _SHARED_CELLS:
        weights = _resample_weights(n, seed, DEFAULT_BOOTSTRAP)
        num, den = weights @ nums.astype(np.float32), weights @ dens.astype(np.float32)
    else:  # resampled by index in bounded-memory chunks, as bootstrap_stderr does
        rng = np.random.default_rng(seed)
        rows = max(1, _CHUNK_CELLS // n)
        num_parts, den_parts = [], []
        for start in range(0, DEFAULT_BOOTSTRAP, rows):
            draw = rng.integers(0, n, size=(min(rows, DEFAULT_BOOTSTRAP - start), n), dtype=np.int32)
            num_parts.append(nums[draw].sum(axis=1))
            den_parts.append(dens[draw].sum(axis=1))
        num, den = np.concatenate(num_parts), np.concatenate(den_parts)
    ratios = num[den > 0] / den[den > 0]
    return MetricValue(value, float(ratios.std(ddof=1)) if len(ratios) > 1 else None, n)
