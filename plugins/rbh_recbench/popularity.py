"""Popularity metrics (beyond accuracy): how popular, novel and long-tail the recommended items
are. Popularity is `ScoringInput.context.popularity`: the samples of the dataset config whose
history holds the item (docs/metrics.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rbh import MetricValue, ScoringInput, TaskScorer
from rbh.scoring import TaskContext, ratio_with_stderr, sample_index
from rbh_recbench.base import ResolvingScorer


def _context(x: ScoringInput) -> TaskContext:
    if x.context is None:
        raise ValueError("popularity metrics need the task context (scored through score_task)")
    return x.context


def _measured(x: ScoringInput) -> TaskContext | None:
    """The task context when its population has interactions (histories); None when it has none
    (demographics configs): popularity is then unknown, not 0, and these metrics are undefined."""
    context = _context(x)
    return context if context.interactions else None


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
    table_section = "beyond"

    def score(self, x: ScoringInput) -> float | None:
        context = _measured(x)
        return None if context is None else mean_popularity(_resolved(x), context.popularity)


class Novelty(ResolvingScorer):
    name = "novelty"
    breakdown = False
    description = "mean self-information -log2((pop+1)/(N+1)) of the resolved recommendations"
    table_section = "beyond"

    def score(self, x: ScoringInput) -> float | None:
        items, context = _resolved(x), _measured(x)
        if not items or context is None:
            return None
        information, unseen = context.self_information, math.log2(len(context.population) + 1)
        return sum(information.get(i, unseen) for i in items) / len(items)


class LongTailShare(ResolvingScorer):
    name = "long_tail_share"
    breakdown = False
    description = "share of resolved recommendations outside the head items holding 80% of interactions"
    table_section = "beyond"

    class Options(ResolvingScorer.Options):
        head_share: float = 0.8  # the head: the most popular items holding this share of interactions

    options: Options

    def score(self, x: ScoringInput) -> float | None:
        items, context = _resolved(x), _measured(x)
        if not items or context is None:
            return None
        head = context.head(self.options.head_share)
        return sum(1 for i in items if i not in head) / len(items)


class PopularityLift(ResolvingScorer, TaskScorer):
    name = "popularity_lift"
    higher_is_better = None
    description = "mean ARP of the recommendations over mean popularity of the ground truth, minus 1"
    table_section = "beyond"

    def score_task(self, inputs: Sequence[ScoringInput], seed: int = 0) -> dict[str, MetricValue]:
        """Summed per sample (its repeats together), so the bootstrap resamples samples."""
        of_sample, _ = sample_index(inputs)
        recommended: dict[int, float] = {}
        truth: dict[int, float] = {}
        for x, n in zip(inputs, of_sample):
            popularity = _context(x).popularity
            rec = mean_popularity(_resolved(x), popularity)
            gt = mean_popularity([g for g in x.sample.ground_truth if g in x.catalog], popularity)
            if rec is not None and gt is not None:
                recommended[n] = recommended.get(n, 0.0) + rec
                truth[n] = truth.get(n, 0.0) + gt
        ratio = ratio_with_stderr(list(recommended.values()), list(truth.values()), seed)
        return {self.metric: MetricValue(None if ratio.value is None else ratio.value - 1.0, ratio.stderr, ratio.n)}
