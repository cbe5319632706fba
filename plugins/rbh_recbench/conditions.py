"""Condition match rate (CMR): do the recommendations satisfy the query's true conditions?"""

from __future__ import annotations

from collections.abc import Sequence

from rbh import MetricValue, ScoringInput, mean_with_stderr
from rbh.data import CONDITION_SUBTYPES
from rbh_recbench.base import ResolvingScorer, memo_key


def condition_table(x: ScoringInput) -> list[tuple[bool, ...]]:
    """Per resolved recommendation, per true condition of the sample: is it satisfied? Ground-truth
    items satisfy every condition; others as the KG says. Memoized per sample and resolution."""
    key = memo_key("condition_table", x)
    table: list[tuple[bool, ...]] | None = x.memo.get(key)
    if table is None:
        conditions = x.sample.conditions
        truth = set(x.sample.ground_truth)
        every = (True,) * len(conditions)
        holds = x.kg.holds
        table = x.memo[key] = [every if item in truth else holds(item, conditions) for item in x.resolved if item is not None]
    return table


class CMR(ResolvingScorer):
    name = "cmr"
    description = "share of resolved recommendations satisfying ALL true conditions in the KG (+ cmr_coverage)"
    subtypes = CONDITION_SUBTYPES

    def score(self, x: ScoringInput) -> float | None:
        table = condition_table(x)
        if not table:
            return None  # no resolved recommendation: CMR undefined, counted by cmr_coverage
        return sum(1 for row in table if all(row)) / len(table)

    def aggregate(self, values: Sequence[float | None], seed: int = 0) -> dict[str, MetricValue]:
        return cmr_with_coverage(self.metric, values, seed)


def cmr_with_coverage(metric: str, values: Sequence[float | None], seed: int = 0) -> dict[str, MetricValue]:
    """CMR over the samples where it is defined, and `cmr_coverage`: the share of samples where
    it is (ours and the official evaluator's)."""
    coverage = [0.0 if v is None else 1.0 for v in values]
    return {metric: mean_with_stderr(values, seed), "cmr_coverage": mean_with_stderr(coverage, seed)}
