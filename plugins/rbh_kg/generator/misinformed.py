"""Misinformed queries (DESIGN §9.4): an implicit query that attributes a wrong but plausible
entity e' (same relation, e' ≠ e, (b, r, e') not in the KG) to its bridge items."""

from __future__ import annotations

import random
from dataclasses import replace

from rbh.data import Misinformation, title_key
from rbh_kg.generator.context import BuildContext, contains_key
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.implicit import build_implicit
from rbh_kg.generator.mining import MinedSet, UserSets

YEAR_RELATIONS = ("release_year", "publication_year")
POOL = 40  # the wrong entity is drawn among the most frequent entities of the relation


def build_misinformed(ctx: BuildContext, user: UserSets, mined: MinedSet, rng: random.Random) -> Draft | None:
    draft = build_implicit(ctx, user, mined, rng)
    if draft is None:
        return None
    relation, true_entity = draft.bridges[0].relation, draft.bridges[0].entity
    wrong = wrong_entity(ctx, draft, rng)
    if wrong is None:
        return None
    return replace(
        draft,
        subtype="misinformed",
        misinformation=tuple(Misinformation(b.item_id, relation, true_entity, wrong) for b in draft.bridges),
    )


def wrong_entity(ctx: BuildContext, draft: Draft, rng: random.Random) -> str | None:
    """A frequent entity of the bridged relation that no bridge holds and that names nothing true."""
    relation, true_entity = draft.bridges[0].relation, draft.bridges[0].entity
    kg = ctx.inputs.kg
    held = {e for b in draft.bridges for e in kg.entities(b.item_id, relation)}
    true_key = title_key(true_entity)
    stated = [title_key(c.entity) for c in draft.conditions]
    titles = [ctx.title_key(i) for i in (*draft.ground_truth, *(b.item_id for b in draft.bridges))]
    if relation in YEAR_RELATIONS and true_entity.isdigit():
        year = int(true_entity)
        pool = [str(year + d) for d in (-3, -2, -1, 1, 2, 3) if (relation, str(year + d)) in ctx.index.ids]
    else:
        pool = ctx.entities_by_frequency(relation)[: POOL * 2]
    options = []
    for entity in pool:
        key = title_key(entity)
        if entity in held or not key or contains_key(key, true_key) or contains_key(true_key, key):
            continue
        if any(contains_key(s, key) or contains_key(key, s) for s in stated) or any(contains_key(t, key) for t in titles):
            continue
        options.append(entity)
        if len(options) >= POOL:
            break
    return rng.choice(options) if options else None
