"""The RecBench+ metric suite as scorer plugins (DESIGN §8.3, §8.4)."""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_scorers(register: Callable[..., None]) -> None:
    from rbh_recbench.conditions import CMR
    from rbh_recbench.correction import Correction
    from rbh_recbench.quality import HistoryRepeat, Unresolved
    from rbh_recbench.relevance import FTR, NDCG, Hit, Precision, Recall

    for cls in (Recall, Precision, NDCG, Hit, CMR, FTR, Unresolved, Correction, HistoryRepeat):
        register(cls)
