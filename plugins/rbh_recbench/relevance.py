"""Relevance metrics against the ground truth: recall, precision, nDCG, and failure to recommend."""

from __future__ import annotations

import math

from rbh.scoring.base import Scorer, ScoringInput


def ranked_hits(x: ScoringInput) -> list[bool]:
    """Per recommended position: does it hold a ground-truth item not already counted?"""
    truth = set(x.sample.ground_truth)
    seen: set[str] = set()
    out = []
    for item_id in x.resolved:
        hit = item_id is not None and item_id in truth and item_id not in seen
        if item_id is not None:
            seen.add(item_id)
        out.append(hit)
    return out


class Recall(Scorer):
    name = "recall"
    description = "share of the ground truth among the resolved recommendations"

    def score(self, x: ScoringInput) -> float | None:
        if not x.sample.ground_truth:
            return None
        return sum(ranked_hits(x)) / len(set(x.sample.ground_truth))


class Precision(Scorer):
    name = "precision"
    description = "share of the recommendations that are ground truth (0 when nothing is recommended)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.recommended:
            return 0.0
        return sum(ranked_hits(x)) / len(x.recommended)


class NDCG(Scorer):
    name = "ndcg"
    description = "nDCG with binary relevance; IDCG over min(|G|, k or |R|)"

    def score(self, x: ScoringInput) -> float | None:
        truth = set(x.sample.ground_truth)
        if not truth:
            return None
        hits = ranked_hits(x)
        dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits) if hit)
        depth = min(len(truth), x.k if x.k else len(x.recommended))
        idcg = sum(1.0 / math.log2(i + 2) for i in range(depth))
        return dcg / idcg if idcg else 0.0


class FTR(Scorer):
    name = "ftr"
    description = "failed to recommend: 1 when the parser found no recommendation"

    def score(self, x: ScoringInput) -> float | None:
        return 0.0 if x.recommended else 1.0
