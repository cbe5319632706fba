"""Answer-quality metrics that need no ground truth: unresolved titles, history repeats, refusals."""

from __future__ import annotations

from rbh import ScoringInput
from rbh_recbench.base import ResolvingScorer


class Unresolved(ResolvingScorer):
    name = "unresolved"
    higher_is_better = False
    description = "share of recommended titles that resolve to no catalog item (a hallucination proxy)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.recommended:
            return None
        return sum(1 for i in x.resolved if i is None) / len(x.recommended)


class HistoryRepeat(ResolvingScorer):
    name = "history_repeat"
    higher_is_better = False
    description = "share of recommendations already in the user's history (history tasks)"

    def score(self, x: ScoringInput) -> float | None:
        if not x.recommended or not x.sample.history:
            return None
        history = set(x.sample.history)
        return sum(1 for i in x.resolved if i is not None and i in history) / len(x.recommended)


class RefusalRate(ResolvingScorer):
    name = "refusal_rate"
    higher_is_better = False
    counts_refusals = True  # counted on every answered sample, refusals a task excludes included
    description = "share of answered samples the model declined (content filter, or a reply that declines and recommends nothing)"

    def score(self, x: ScoringInput) -> float | None:
        return 1.0 if x.refused else 0.0
