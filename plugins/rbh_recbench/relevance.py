"""Relevance metrics against the ground truth: recall, precision, nDCG, hit, failure to recommend.

rbh definitions (docs/design.md §8.3); the released evaluator's versions (§8.4) are the `official`
scoring set in `official.py`.
"""

from __future__ import annotations

import math

from rbh import Scorer, ScoringInput
from rbh_recbench.base import CutoffScorer, ResolvingScorer, ranked_hits


class Recall(CutoffScorer):
    name = "recall"
    description = "share of the ground truth among the resolved recommendations (`recall@k`: among the first k)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        return sum(self.hits(x)) / len(set(x.sample.ground_truth))


class Precision(ResolvingScorer):
    name = "precision"
    description = "share of the recommendations that are ground truth (0 when nothing is recommended)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.recommended:
            return 0.0
        return sum(ranked_hits(x)) / len(x.recommended)


class NDCG(CutoffScorer):
    name = "ndcg"
    description = "nDCG with binary relevance; IDCG over min(|G|, k or |R|) (`ndcg@k`: the first k, IDCG over min(|G|, k))"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(self.hits(x)) if hit)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(self.depth(x)))
        return dcg / idcg if idcg else 0.0


class Hit(CutoffScorer):
    name = "hit"
    description = "1 when at least one recommendation is ground truth (`hit@k`: among the first k)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        return float(any(self.hits(x)))


class FTR(Scorer):
    name = "ftr"
    higher_is_better = False
    description = "failed to recommend: 1 when the parser found no recommendation"

    def score(self, x: ScoringInput) -> float | None:
        return 0.0 if x.recommended else 1.0
