"""Popularity metrics (beyond accuracy): how popular, novel and long-tail the recommended items
are. Popularity is `ScoringInput.context.popularity`: the samples of the dataset config whose
history holds the item (docs/metrics.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rbh import MetricValue, ScoringInput, TaskScorer
from rbh.scoring import TaskContext, ratio_with_stderr
from rbh_recbench.base import ResolvingScorer


def _context(x: ScoringInput) -> TaskContext:
    if x.context is None:
        raise ValueError("popularity metrics need the task context (scored through score_task)")
    return x.context


def _resolved(x: ScoringInput) -> list[str]:
    return [i for i in x.resolved if i is not None]


def mean_popularity(items: Sequence[str], popularity: dict[str, int]) -> float | None:
    """Mean popularity of the items (None for none)."""
    return sum(popularity.get(i, 0) for i in items) / len(items) if items else None


class ARP(ResolvingScorer):
    name = "arp"
    breakdown = False
    higher_is_better = None
    description = "average recommendation popularity: mean popularity of the resolved recommendations"
    table_group = "beyond"

    def score(self, x: ScoringInput) -> float | None:
        return mean_popularity(_resolved(x), _context(x).popularity)


class Novelty(ResolvingScorer):
    name = "novelty"
    breakdown = False
    description = "mean self-information -log2((pop+1)/(N+1)) of the resolved recommendations"
    table_group = "beyond"

    def score(self, x: ScoringInput) -> float | None:
        items = _resolved(x)
        if not items:
            return None
        context = _context(x)
        information, unseen = context.self_information, math.log2(len(context.population) + 1)
        return sum(information.get(i, unseen) for i in items) / len(items)


class LongTailShare(ResolvingScorer):
    name = "long_tail_share"
    breakdown = False
    description = "share of resolved recommendations outside the head items holding 80% of interactions"
    table_group = "beyond"

    class Options(ResolvingScorer.Options):
        head_share: float = 0.8  # the head: the most popular items holding this share of interactions

    options: Options

    def score(self, x: ScoringInput) -> float | None:
        items = _resolved(x)
        if not items:
            return None
        head = _context(x).head(self.options.head_share)
        return sum(1 for i in items if i not in head) / len(items)


class PopularityLift(ResolvingScorer, TaskScorer):
    name = "popularity_lift"
    higher_is_better = None
    description = "mean ARP of the recommendations over mean popularity of the ground truth, minus 1"
    table_group = "beyond"

    def score_task(self, inputs: Sequence[ScoringInput], seed: int = 0) -> dict[str, MetricValue]:
        recommended, truth = [], []
        for x in inputs:
            popularity = _context(x).popularity
            rec = mean_popularity(_resolved(x), popularity)
            gt = mean_popularity([g for g in x.sample.ground_truth if g in x.catalog], popularity)
            if rec is not None and gt is not None:
                recommended.append(rec)
                truth.append(gt)
        ratio = ratio_with_stderr(recommended, truth, seed)
        return {self.metric: MetricValue(None if ratio.value is None else ratio.value - 1.0, ratio.stderr, ratio.n)}
