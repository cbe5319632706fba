"""Why a recommendation failed: partial condition satisfaction (per condition and per relation,
with the first failed condition of each answer) and, on misinformed queries, premise following:
recommending items of the stated (false) entity instead of the true one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rbh import ScoringInput, mean_with_stderr
from rbh.data import CONDITION_SUBTYPES
from rbh.scoring import Breakdown, sample_index
from rbh_recbench.base import ResolvingScorer
from rbh_recbench.conditions import condition_table


class ConditionSatisfaction(ResolvingScorer):
    name = "condition_satisfaction"
    description = "share of (resolved recommendation, true condition) pairs the KG satisfies (partial CMR)"
    subtypes = CONDITION_SUBTYPES
    table_section = "diagnosis"

    def score(self, x: ScoringInput) -> float | None:
        table = condition_table(x)
        if not table or not x.sample.conditions:
            return None
        return sum(sum(row) for row in table) / (len(table) * len(x.sample.conditions))

    def details(self, x: ScoringInput) -> Mapping[str, Any] | None:
        """`first_failed_condition`: the first condition, in the query's order, that a resolved
        recommendation fails (None when every resolved recommendation satisfies all; absent when
        nothing resolved)."""
        table = condition_table(x)
        if not table:
            return None  # nothing resolved: nothing could fail (the row has no such detail)
        failed = [not all(column) for column in zip(*table)]
        if True in failed:
            condition = x.sample.conditions[failed.index(True)]
            return {"first_failed_condition": {"relation": condition.relation, "entity": condition.entity}}
        return {"first_failed_condition": None}

    def task_breakdowns(self, inputs: Sequence[ScoringInput], seed: int = 0) -> Breakdown:
        """`relation_satisfaction` by relation: per sample with a condition of that relation, the
        share of its resolved recommendations satisfying its conditions of that relation (a
        sample's repeats averaged first, as for every per-sample metric)."""
        values: dict[str, dict[int, list[float | None]]] = {}
        for x, sample in zip(inputs, sample_index(inputs)[0]):
            for relation, value in _relation_shares(x).items():
                values.setdefault(relation, {}).setdefault(sample, []).append(value)
        return {
            "relation": {
                relation: {"relation_satisfaction": mean_with_stderr([_mean(v) for v in per_sample.values()], seed)}
                for relation, per_sample in sorted(values.items())
            }
        }


def _relation_shares(x: ScoringInput) -> dict[str, float | None]:
    """Per relation of the sample's conditions: the share of resolved recommendations satisfying
    all its conditions of that relation (None when nothing resolved)."""
    table = condition_table(x)
    relations = [c.relation for c in x.sample.conditions]
    if not table:
        return dict.fromkeys(relations)
    if len(set(relations)) == len(relations):  # one condition per relation: column shares
        return {relation: sum(column) / len(table) for relation, column in zip(relations, zip(*table))}
    shares: dict[str, float | None] = {}
    for relation in dict.fromkeys(relations):
        cols = [n for n, r in enumerate(relations) if r == relation]
        shares[relation] = sum(all(row[c] for c in cols) for row in table) / len(table)
    return shares


def _mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


class PremiseFollowing(ResolvingScorer):
    name = "premise_following"
    higher_is_better = False
    description = "misinformed: share of resolved recommendations carrying the STATED false entity"
    subtypes = ("misinformed",)
    table_section = "diagnosis"

    def score(self, x: ScoringInput) -> float | None:
        items = [i for i in x.resolved if i is not None]
        if not items or not x.sample.misinformation:
            return None
        wrong = [(m.relation, m.stated_entity) for m in x.sample.misinformation]
        return sum(1 for i in items if any(x.kg.has(i, r, e) for r, e in wrong)) / len(items)
