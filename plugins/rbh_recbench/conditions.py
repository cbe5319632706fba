"""Condition match rate (CMR): do the recommendations satisfy the query's true conditions?"""

from __future__ import annotations

from collections.abc import Sequence

from rbh import MetricValue, ScoringInput, mean_with_stderr
from rbh.data import CONDITION_SUBTYPES
from rbh_recbench.base import ResolvingScorer


class CMR(ResolvingScorer):
    name = "cmr"
    description = "share of resolved recommendations satisfying ALL true conditions in the KG (+ cmr_coverage)"
    subtypes = CONDITION_SUBTYPES

    def score(self, x: ScoringInput) -> float | None:
        truth = set(x.sample.ground_truth)
        resolved = [i for i in x.resolved if i is not None]
        if not resolved:
            return None  # no resolved recommendation: CMR undefined, counted by cmr_coverage
        ok = sum(1 for i in resolved if i in truth or x.kg.satisfies(i, x.sample.conditions))
        return ok / len(resolved)

    def aggregate(self, values: Sequence[float | None], seed: int = 0) -> dict[str, MetricValue]:
        """CMR over the samples where it is defined, and the share of samples where it is."""
        coverage = [0.0 if v is None else 1.0 for v in values]
        return {self.metric: mean_with_stderr(values, seed), "cmr_coverage": mean_with_stderr(coverage, seed)}
