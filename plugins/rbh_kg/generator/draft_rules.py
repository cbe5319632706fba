"""Rules every draft must pass before it is phrased (docs/generator.md); a draft that breaks one
is dropped and counted by rule. They restate the builders' guarantees independently, so a
builder change that slips is caught and counted rather than shipped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rbh_kg.generator.config import NEVER_HIDDEN
from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.implicit import first_billed, hidden_matters, identifies
from rbh_kg.generator.taste import CREW, THEME_RELATIONS, is_describable

DEMOGRAPHICS_TRUTH = (2, 5)


def draft_violations(draft: Draft, ctx: BuildContext, histories: Mapping[str, Sequence[str]]) -> list[str]:
    """The draft rules `draft` breaks (empty when it is valid)."""
    broken: list[str] = []
    if draft.bridges:
        broken += _bridge_rules(draft, ctx)
    if draft.misinformation:
        broken += _misinformation_rules(draft, ctx)
    if draft.history and draft.user_id is not None and not precedes(draft.history, draft.ground_truth, histories.get(draft.user_id, ())):
        broken.append("history_after_ground_truth")
    if draft.subtype == "demographics":
        low, high = DEMOGRAPHICS_TRUTH
        if not low <= len(draft.ground_truth) <= high:
            broken.append("ground_truth_size")
        if any(c.relation in CREW for c in draft.taste):
            broken.append("crew_theme")
    if draft.subtype in ("interest", "demographics"):
        if not is_describable([(c.relation, c.entity) for c in draft.taste]):
            broken.append("weak_taste")
        if any(c.relation not in THEME_RELATIONS for c in draft.taste):
            broken.append("taste_names_entity")
    return broken


def precedes(history: Sequence[str], ground_truth: Sequence[str], timeline: Sequence[str]) -> bool:
    """Every history item was consumed before every ground-truth item the user consumed."""
    position = {item: n for n, item in enumerate(dict.fromkeys(timeline))}
    truth = [position[i] for i in ground_truth if i in position]
    past = [position.get(i, -1) for i in history]
    return not truth or not past or max(past) < min(truth)


def _bridge_rules(draft: Draft, ctx: BuildContext) -> list[str]:
    relation, entity = draft.bridges[0].relation, draft.bridges[0].entity
    kg = ctx.inputs.kg
    broken = ["hidden_genre"] if relation in NEVER_HIDDEN else []
    values = [set(kg.entities(b.item_id, relation)) for b in draft.bridges]
    if not identifies(values, entity):
        broken.append("ambiguous_bridges")
    if not all(first_billed(kg, b.item_id, relation, entity, ctx.config.first_billed, ctx.people) for b in draft.bridges):
        broken.append("hidden_not_first_billed")
    hidden = draft.bridged[0]
    if not hidden_matters(ctx.answers, draft.conditions, hidden):
        broken.append("hidden_condition_redundant")
    return broken


def _misinformation_rules(draft: Draft, ctx: BuildContext) -> list[str]:
    """The same wrong fact is recorded once per bridge: check each distinct (relation, stated
    entity) once against all the bridges."""
    broken: list[str] = []
    kg = ctx.inputs.kg
    bridges = [b.item_id for b in draft.bridges]
    for relation, true_entity, stated in dict.fromkeys((m.relation, m.true_entity, m.stated_entity) for m in draft.misinformation):
        if not ctx.config.misinformable(draft.domain, relation):
            broken.append("misinformation_relation")
        if any(kg.has(b, relation, stated) for b in bridges):
            broken.append("stated_entity_held")
        if any(c.entity == stated for c in draft.conditions):
            broken.append("stated_entity_is_condition")
        broken += ctx.plausibility.problems(relation, true_entity, stated, bridges)
    return sorted(set(broken))
