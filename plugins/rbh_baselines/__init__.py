"""Built-in non-LLM baselines: oracle, kg-oracle, random, popularity, bm25, clarifier (interactive
tasks) and replay of recorded responses."""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_models(register: Callable[..., None]) -> None:
    from rbh_baselines.bm25 import BM25Model
    from rbh_baselines.clarifier import ClarifierModel
    from rbh_baselines.kg_oracle import KGOracleModel
    from rbh_baselines.oracle import OracleModel
    from rbh_baselines.popularity import PopularityModel
    from rbh_baselines.random_model import RandomModel
    from rbh_baselines.replay import ReplayModel

    for cls in (OracleModel, KGOracleModel, RandomModel, PopularityModel, BM25Model, ClarifierModel, ReplayModel):
        register(cls)
