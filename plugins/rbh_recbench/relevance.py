"""Relevance metrics against the ground truth: recall, precision, nDCG, hit, failure to recommend.

rbh definitions (docs/design.md §8.3); the released evaluator's versions (§8.4) are the `official`
scoring set in `official.py`.
"""

from __future__ import annotations

import math

from rbh import Scorer, ScoringInput
from rbh_recbench.base import ResolvingScorer, ideal_depth, ranked_hits


class Recall(ResolvingScorer):
    name = "recall"
    description = "share of the ground truth among the resolved recommendations"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        return sum(ranked_hits(x)) / len(set(x.sample.ground_truth))


class Precision(ResolvingScorer):
    name = "precision"
    description = "share of the recommendations that are ground truth (0 when nothing is recommended)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.recommended:
            return 0.0
        return sum(ranked_hits(x)) / len(x.recommended)


class NDCG(ResolvingScorer):
    name = "ndcg"
    description = "nDCG with binary relevance; IDCG over min(|G|, k or |R|)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(ranked_hits(x)) if hit)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal_depth(x)))
        return dcg / idcg if idcg else 0.0


class Hit(ResolvingScorer):
    name = "hit"
    description = "1 when at least one recommendation is ground truth"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        return float(any(ranked_hits(x)))


class FTR(Scorer):
    name = "ftr"
    higher_is_better = False
    description = "failed to recommend: 1 when the parser found no recommendation"

    def score(self, x: ScoringInput) -> float | None:
        return 0.0 if x.recommended else 1.0
