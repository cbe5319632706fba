"""Metrics of candidate ranking (`protocol: rank` tasks, docs/metrics.md "Candidate ranking"):
answers that leave the list, echo it, follow its order, or favour its popular items. Each is
undefined (None) for a sample with no candidate list, so the metrics are harmless elsewhere."""

from __future__ import annotations

import math

from pydantic import Field

from rbh import ScoringInput
from rbh.scoring import TaskContext
from rbh_recbench.base import ResolvingScorer, candidate_positions
from rbh_recbench.quality import HistoryRepeat

COPY_DEPTH = 5  # an answer whose first 5 items are the first 5 candidates in the order shown copies the list


def shown_order(x: ScoringInput) -> list[int]:
    """The candidate positions the answer ranks, in its order (each candidate once)."""
    return list(dict.fromkeys(p for p in candidate_positions(x) if p is not None))


class CandidateError(ResolvingScorer):
    name = "candidate_error"
    higher_is_better = False
    description = "share of the ranked titles that are not in the candidate list"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.candidates or not x.recommended:
            return None
        return sum(1 for p in candidate_positions(x) if p is None) / len(x.recommended)


class CopyError(ResolvingScorer):
    name = "copy_error"
    higher_is_better = False
    description = f"1 when the answer's first {COPY_DEPTH} items are the first {COPY_DEPTH} candidates in the order shown (the list echoed)"
    table_section = "ranking"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.candidates:
            return None
        depth = min(COPY_DEPTH, len(x.sample.candidates))
        positions = list(candidate_positions(x))[:depth]
        return 1.0 if positions == list(range(depth)) else 0.0


class HistoryError(HistoryRepeat):
    name = "history_error"
    description = "share of the ranked titles already in the user's history (none are candidates)"
    table_section = "ranking"


class PositionCorrelation(ResolvingScorer):
    name = "position_corr"
    higher_is_better = None
    description = "Spearman correlation of the answer's order with the order the candidates were shown in (1: follows it)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.candidates:
            return None
        return spearman(shown_order(x))


def spearman(shown: list[int]) -> float | None:
    """Spearman's rho between answer rank (0, 1, ...) and the rank of each item's shown position
    among the answered ones; None for fewer than 3 items."""
    m = len(shown)
    if m < 3:
        return None
    rank_of = {p: r for r, p in enumerate(sorted(shown))}
    d2 = sum((i - rank_of[p]) ** 2 for i, p in enumerate(shown))
    return 1.0 - 6.0 * d2 / (m * (m * m - 1))


def popular_decile(context: TaskContext) -> frozenset[str]:
    """The most popular tenth of the catalog: the ceil(|catalog| / 10) items seen in the most
    histories (ties by id; items no history holds are never in it)."""
    key = ("popular_decile",)
    if key not in context.scratch:
        size = math.ceil(len(context.catalog) / 10)
        ranked = sorted(context.popularity.items(), key=lambda kv: (-kv[1], kv[0]))
        context.scratch[key] = frozenset(item for item, count in ranked[:size] if count > 0)
    decile: frozenset[str] = context.scratch[key]
    return decile


def _decile(x: ScoringInput) -> frozenset[str] | None:
    if not x.sample.candidates or x.context is None or not x.context.interactions:
        return None
    return popular_decile(x.context)


class TopPopularShare(ResolvingScorer):
    name = "top_popular_share"
    breakdown = False
    higher_is_better = None
    description = "share of the answer's top k candidates in the most popular decile (compare candidate_popular_share)"
    table_section = "ranking"

    class Options(ResolvingScorer.Options):
        k: int = Field(default=10, ge=1)

    options: Options

    def score(self, x: ScoringInput) -> float | None:
        decile = _decile(x)
        top = [x.sample.candidates[p] for p in shown_order(x)[: self.options.k]]
        if decile is None or not top:
            return None
        return sum(1 for item in top if item in decile) / len(top)


class CandidatePopularShare(ResolvingScorer):
    name = "candidate_popular_share"
    breakdown = False
    higher_is_better = None
    uses_resolution = False
    description = "share of the candidate list in the most popular decile: what top_popular_share is without a popularity bias"
    table_section = "ranking"

    def score(self, x: ScoringInput) -> float | None:
        decile = _decile(x)
        if decile is None:
            return None
        return sum(1 for item in x.sample.candidates if item in decile) / len(x.sample.candidates)


RANKING_SCORERS = (CandidateError, CopyError, HistoryError, PositionCorrelation, TopPopularShare, CandidatePopularShare)
