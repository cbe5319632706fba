"""Exposure metrics (beyond accuracy) of a whole task: catalog coverage, and the Gini index and
Shannon entropy of how often each catalog item is recommended. The standard error resamples the
answered samples (`EXPOSURE_BOOTSTRAP` times) and counts the exposure again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rbh import MetricValue, ScoringInput, TaskScorer
from rbh.scoring import resample_counts, sample_index
from rbh_recbench.base import ResolvingScorer

if TYPE_CHECKING:
    import numpy as np

EXPOSURE_BOOTSTRAP = 200
_CHUNK_CELLS = 1_000_000  # titles x resamples per chunk: about 20 MB of temporaries, whatever the task size


def coverage_of(counts: "np.ndarray", catalog_size: int) -> "np.ndarray":
    """Per row of exposure counts: distinct items exposed over the catalog size."""
    return (counts > 0).sum(axis=-1) / catalog_size


def gini_of(counts: "np.ndarray", catalog_size: int) -> "np.ndarray":
    """Per row: Σ_i (2i - n - 1) c_(i) / (n Σ c) over the n catalog items sorted by exposure
    (ascending, i = 1..n); items never exposed are the zeros at the start."""
    import numpy as np

    ordered = np.sort(counts, axis=-1)
    d = counts.shape[-1]
    ranks = np.arange(catalog_size - d + 1, catalog_size + 1, dtype=float)
    total = ordered.sum(axis=-1)
    weighted = ordered @ (2 * ranks - catalog_size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, weighted / (catalog_size * total), np.nan)


def entropy_of(counts: "np.ndarray", catalog_size: int) -> "np.ndarray":
    """Per row: -Σ p ln p with p = c / Σ c over exposed items (nats)."""
    import numpy as np

    total = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, counts / total, 0.0)
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return np.where(total[..., 0] > 0, terms.sum(axis=-1), np.nan)


def exposure_counts(inputs: Sequence[ScoringInput], seed: int) -> tuple["np.ndarray | None", "np.ndarray | None"]:
    """How often each exposed item is recommended (None when nothing resolved), and the same per
    bootstrap resample of the samples (None for one sample; a sample's repeats are drawn
    together); shared by the exposure scorers of a task through the task context."""
    import numpy as np

    context = inputs[0].context
    key = ("exposure", seed, tuple(id(x) for x in inputs))
    if context is not None and key in context.scratch:
        cached: tuple[np.ndarray | None, np.ndarray | None] = context.scratch[key]
        return cached
    index: dict[str, int] = {}
    number = index.setdefault
    items = [number(item, len(index)) for x in inputs for item in x.resolved if item is not None]
    of_sample, n = sample_index(inputs)
    rows = [of_sample[row] for row, x in enumerate(inputs) for item in x.resolved if item is not None]
    d = len(index)
    full = boot = None
    if d:
        item_arr, row_arr = np.asarray(items), np.asarray(rows)
        full = np.bincount(item_arr, minlength=d).astype(float)
        if n >= 2:
            weights = resample_counts(n, seed, EXPOSURE_BOOTSTRAP)
            step = max(1, _CHUNK_CELLS // max(len(item_arr), d))
            parts = []
            for start in range(0, EXPOSURE_BOOTSTRAP, step):
                w = weights[start : start + step][:, row_arr]  # (b, titles)
                offsets = (np.arange(w.shape[0]) * d)[:, None] + item_arr[None, :]
                parts.append(np.bincount(offsets.ravel(), weights=w.ravel(), minlength=w.shape[0] * d).reshape(w.shape[0], d))
            boot = np.concatenate(parts)
    if context is not None:
        context.scratch[key] = (full, boot)
    return full, boot


class _ExposureScorer(ResolvingScorer, TaskScorer):
    """Counts how often each item is recommended over the task's answers."""

    table_section = "beyond"

    @staticmethod
    def statistic(counts: "np.ndarray", catalog_size: int) -> "np.ndarray":
        raise NotImplementedError

    def score_task(self, inputs: Sequence[ScoringInput], seed: int = 0) -> dict[str, MetricValue]:
        import numpy as np

        n = sample_index(inputs)[1]
        catalog_size = len(inputs[0].catalog) if inputs else 0
        if n == 0 or catalog_size == 0:
            return {self.metric: MetricValue(None, None, n)}
        full, boot = exposure_counts(inputs, seed)
        if full is None:  # nothing resolved
            return {self.metric: self._value(float(self.statistic(np.zeros((1, 1)), catalog_size)[0]), None, n)}
        value = float(self.statistic(full[None, :], catalog_size)[0])
        if boot is None:
            return {self.metric: self._value(value, None, n)}
        stats = self.statistic(boot, catalog_size)
        stats = stats[~np.isnan(stats)]
        return {self.metric: self._value(value, float(stats.std(ddof=1)) if len(stats) > 1 else None, n)}

    def _value(self, value: float, stderr: float | None, n: int) -> MetricValue:
        import math

        return MetricValue(None if math.isnan(value) else value, stderr, n)


class Coverage(_ExposureScorer):
    name = "coverage"
    description = "catalog coverage: distinct resolved items recommended over the task / catalog size"
    statistic = staticmethod(coverage_of)


class Gini(_ExposureScorer):
    name = "gini"
    higher_is_better = False
    description = "Gini index of item exposure over the whole catalog (0 even, 1 one item only)"
    statistic = staticmethod(gini_of)


class Entropy(_ExposureScorer):
    name = "entropy"
    description = "Shannon entropy (nats) of item exposure over the task's resolved recommendations"
    statistic = staticmethod(entropy_of)
