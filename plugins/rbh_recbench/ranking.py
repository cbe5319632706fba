"""Ranking and error metrics: mean reciprocal rank, average precision, duplicates in one answer."""

from __future__ import annotations

from rbh import Scorer, ScoringInput
from rbh.scoring import dedupe_titles, parse_titles
from rbh_recbench.base import CutoffScorer, ResolvingScorer, ideal_depth, ranked_hits


class MRR(CutoffScorer):
    name = "mrr"
    description = "reciprocal rank of the first ground-truth recommendation (0 when none; `mrr@k`: within the first k)"
    table_section = "ranking"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        return next((1.0 / (rank + 1) for rank, hit in enumerate(self.hits(x)) if hit), 0.0)


class MAP(ResolvingScorer):
    name = "map"
    description = "average precision: mean of precision@i at each hit, over min(|G|, k or |R|)"
    table_section = "ranking"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        depth = ideal_depth(x)
        if depth == 0:
            return 0.0
        hits, total = 0, 0.0
        for rank, hit in enumerate(ranked_hits(x)):
            if hit:
                hits += 1
                total += hits / (rank + 1)
        return total / depth


class DuplicateRate(Scorer):
    name = "duplicate_rate"
    breakdown = False
    higher_is_better = False
    uses_resolution = False
    description = "share of the titles in one answer that repeat an earlier title (before deduplication)"
    table_section = "ranking"

    def score(self, x: ScoringInput) -> float | None:
        titles = list(x.all_titles) if x.all_titles is not None else parse_titles(x.response, x.output_format)
        if not titles:
            return None
        return (len(titles) - len(dedupe_titles(titles))) / len(titles)
