"""The RecBench+ metric suite (docs/design.md §8.3), the released evaluator as the `official` scoring set
(§8.4), `rbh import recbench-plus`, which converts the official release, `rbh export sft`
(fine-tuning data from the tasks' prompts) and the metrics as training rewards (`rewards`)."""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_scorers(register: Callable[..., None]) -> None:
    from rbh_recbench.candidate_ranking import RANKING_SCORERS
    from rbh_recbench.conditions import CMR
    from rbh_recbench.correction import Correction
    from rbh_recbench.diagnosis import ConditionSatisfaction, PremiseFollowing
    from rbh_recbench.exposure import Coverage, Entropy, Gini
    from rbh_recbench.interactive import INTERACTIVE_SCORERS
    from rbh_recbench.official import OFFICIAL_SCORERS
    from rbh_recbench.popularity import ARP, LongTailShare, Novelty, PopularityLift
    from rbh_recbench.quality import HistoryRepeat, RefusalRate, Unresolved
    from rbh_recbench.ranking import MAP, MRR, DuplicateRate
    from rbh_recbench.relevance import FTR, NDCG, Hit, Precision, Recall

    for cls in (
        *(Recall, Precision, NDCG, Hit, CMR, FTR, Unresolved, RefusalRate, Correction, HistoryRepeat, *OFFICIAL_SCORERS),
        *(MRR, MAP, DuplicateRate, ConditionSatisfaction, PremiseFollowing),
        *(Coverage, Gini, Entropy, ARP, PopularityLift, LongTailShare, Novelty),
        *INTERACTIVE_SCORERS,
        *RANKING_SCORERS,
    ):
        register(cls)


@hookimpl
def register_scoring_sets(register: Callable[..., None]) -> None:
    from rbh_recbench.official import OFFICIAL_SET

    register(OFFICIAL_SET)


@hookimpl
def register_commands(register: Callable[..., None]) -> None:
    from rbh_recbench.commands import EXPORT, IMPORT

    register(IMPORT)
    register(EXPORT)
