"""Misinformed queries (docs/generator.md): an implicit query that attributes a wrong entity e' to
its bridge items, on relations where a false attribution does not contradict the request's
literal conditions (people and credits; series and publisher for books). e' is one a reader
could believe (`plausibility.py`): it holds the same relation elsewhere, was active when each
bridge came out, has the true person's gender and, for books, the bridges' genre family; it is
held by no bridge, is no other condition and overlaps nothing the query names."""

from __future__ import annotations

import random
from dataclasses import replace

from rbh.data import Misinformation, title_key
from rbh_kg.generator.context import BuildContext, contains_key
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.implicit import build_bridged
from rbh_kg.generator.mining import MinedSet, UserSets

POOL = 40  # the wrong entity is drawn among the most frequent plausible entities


def build_misinformed(ctx: BuildContext, user: UserSets, mined: MinedSet, rng: random.Random) -> Draft | None:
    def misinform(draft: Draft) -> Draft | None:
        wrong = wrong_entity(ctx, draft, rng)
        if wrong is None:
            return None
        relation, true_entity = draft.bridges[0].relation, draft.bridges[0].entity
        return replace(draft, misinformation=tuple(Misinformation(b.item_id, relation, true_entity, wrong) for b in draft.bridges))

    return build_bridged(ctx, user, mined, rng, "misinformed", misinform)


def wrong_entity(ctx: BuildContext, draft: Draft, rng: random.Random) -> str | None:
    """A frequent, plausible entity of the bridged relation that no bridge holds and whose name
    overlaps nothing the query states or names. Cheap filters (gender, active years) run before
    the name checks."""
    relation, true_entity = draft.bridges[0].relation, draft.bridges[0].entity
    kg, plausible = ctx.inputs.kg, ctx.plausibility
    gender = plausible.required_gender(relation, true_entity)
    if gender == "":
        return None  # a person of unknown gender: no wrong person can be checked against them
    bridges = [b.item_id for b in draft.bridges]
    years = [y for b in bridges if (y := plausible.year(b)) is not None]
    first_by, last_from = plausible.active_window(years)
    held = {e for b in bridges for e in kg.entities(b, relation)}
    true_key = title_key(true_entity)
    stated = [title_key(c.entity) for c in draft.conditions]
    titles = [ctx.title_key(i) for i in (*draft.ground_truth, *bridges)]
    options = []
    for entity, key, entity_gender, span in plausible.candidates(relation, ctx.entities_by_frequency(relation)):
        if entity in held or (gender is not None and entity_gender != gender):
            continue
        if span is not None and (span[0] > first_by or span[1] < last_from):
            continue
        if not key or contains_key(key, true_key) or contains_key(true_key, key):
            continue
        if any(contains_key(s, key) or contains_key(key, s) for s in stated) or any(contains_key(t, key) for t in titles):
            continue
        if not plausible.same_family(relation, entity, bridges) or not plausible.same_language(relation, entity, bridges):
            continue
        options.append(entity)
        if len(options) >= POOL:
            break
    return rng.choice(options) if options else None
