"""Relevance metrics against the ground truth: recall, precision, nDCG, hit, failure to recommend.

Each scorer follows `--scoring`: rbh definitions (DESIGN §8.3) by default, the released
evaluator's (§8.4, `official.py`) with `--scoring official`.
"""

from __future__ import annotations

import math

from rbh.scoring.base import Scorer, ScoringInput
from rbh_recbench.base import ResolvingScorer, is_official, ranked_hits
from rbh_recbench.official import official_scores


class Recall(ResolvingScorer):
    name = "recall"
    description = "share of the ground truth among the resolved recommendations"

    def score(self, x: ScoringInput) -> float | None:
        if is_official(x):
            return official_scores(x).recall
        if not x.sample.ground_truth:
            return None
        return sum(ranked_hits(x)) / len(set(x.sample.ground_truth))


class Precision(ResolvingScorer):
    name = "precision"
    description = "share of the recommendations that are ground truth (0 when nothing is recommended)"

    def score(self, x: ScoringInput) -> float | None:
        if is_official(x):
            return official_scores(x).precision
        if not x.recommended:
            return 0.0
        return sum(ranked_hits(x)) / len(x.recommended)


class NDCG(ResolvingScorer):
    name = "ndcg"
    description = "nDCG with binary relevance; IDCG over min(|G|, k or |R|)"

    def score(self, x: ScoringInput) -> float | None:
        if is_official(x):
            return official_scores(x).ndcg
        truth = set(x.sample.ground_truth)
        if not truth:
            return None
        dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(ranked_hits(x)) if hit)
        depth = min(len(truth), x.k if x.k else len(x.recommended))
        idcg = sum(1.0 / math.log2(i + 2) for i in range(depth))
        return dcg / idcg if idcg else 0.0


class Hit(ResolvingScorer):
    name = "hit"
    description = "1 when at least one recommendation is ground truth"

    def score(self, x: ScoringInput) -> float | None:
        if is_official(x):
            return float(official_scores(x).recall > 0)
        if not x.sample.ground_truth:
            return None
        return float(any(ranked_hits(x)))


class FTR(Scorer):
    name = "ftr"
    description = "failed to recommend: 1 when the parser found no recommendation (official: no '[SEP]')"

    def score(self, x: ScoringInput) -> float | None:
        if is_official(x):
            return official_scores(x).ftr
        return 0.0 if x.recommended else 1.0
