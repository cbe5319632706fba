"""Why a recommendation failed: partial condition satisfaction (per condition and per relation,
with the first failed condition of each answer) and, on misinformed queries, premise following:
recommending items of the stated (false) entity instead of the true one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rbh import ScoringInput, mean_with_stderr
from rbh.data import CONDITION_SUBTYPES
from rbh.scoring import Breakdown
from rbh_recbench.base import ResolvingScorer
from rbh_recbench.conditions import condition_table


class ConditionSatisfaction(ResolvingScorer):
    name = "condition_satisfaction"
    description = "share of (resolved recommendation, true condition) pairs the KG satisfies (partial CMR)"
    subtypes = CONDITION_SUBTYPES
    table_group = "diagnosis"

    def score(self, x: ScoringInput) -> float | None:
        table = condition_table(x)
        if not table or not x.sample.conditions:
            return None
        return sum(sum(row) for row in table) / (len(table) * len(x.sample.conditions))

    def details(self, x: ScoringInput) -> Mapping[str, Any] | None:
        """`first_failed_condition`: the first condition, in the query's order, that a resolved
        recommendation fails (None when every resolved recommendation satisfies all)."""
        failed = [not all(column) for column in zip(*condition_table(x))]
        if True in failed:
            condition = x.sample.conditions[failed.index(True)]
            return {"first_failed_condition": {"relation": condition.relation, "entity": condition.entity}}
        return {"first_failed_condition": None}

    def task_breakdowns(self, inputs: Sequence[ScoringInput], seed: int = 0) -> Breakdown:
        """`relation_satisfaction` by relation: per sample with a condition of that relation, the
        share of its resolved recommendations satisfying its conditions of that relation."""
        values: dict[str, list[float | None]] = {}
        for x in inputs:
            table = condition_table(x)
            relations = [c.relation for c in x.sample.conditions]
            if not table:
                for relation in dict.fromkeys(relations):
                    values.setdefault(relation, []).append(None)
            elif len(set(relations)) == len(relations):  # one condition per relation: column shares
                for relation, column in zip(relations, zip(*table)):
                    values.setdefault(relation, []).append(sum(column) / len(table))
            else:
                for relation in dict.fromkeys(relations):
                    cols = [n for n, r in enumerate(relations) if r == relation]
                    values.setdefault(relation, []).append(sum(all(row[c] for c in cols) for row in table) / len(table))
        return {"relation": {relation: {"relation_satisfaction": mean_with_stderr(v, seed)} for relation, v in sorted(values.items())}}


class PremiseFollowing(ResolvingScorer):
    name = "premise_following"
    higher_is_better = False
    description = "misinformed: share of resolved recommendations carrying the STATED false entity"
    subtypes = ("misinformed",)
    table_group = "diagnosis"

    def score(self, x: ScoringInput) -> float | None:
        items = [i for i in x.resolved if i is not None]
        if not items or not x.sample.misinformation:
            return None
        wrong = [(m.relation, m.stated_entity) for m in x.sample.misinformation]
        return sum(1 for i in items if any(x.kg.has(i, r, e) for r, e in wrong)) / len(items)
