"""The RecBench+ metric suite as scorer plugins (DESIGN §8.3)."""

from __future__ import annotations

from typing import Callable

from rbh import hookimpl


@hookimpl
def register_scorers(register: Callable[..., None]) -> None:
    from rbh_recbench.relevance import FTR, NDCG, Precision, Recall

    for cls in (Recall, Precision, NDCG, FTR):
        register(cls)
