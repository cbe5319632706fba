"""Misinformed queries (DESIGN §9.4): an implicit query that attributes a wrong but plausible
entity e' to its bridge items — same relation (so the same kind: a director for a director), a
similar era (its items' median year within `era_years` of the bridges'), held by no bridge, not
another condition — only on relations where a false attribution does not contradict the
request's literal conditions (people and credits; series and publisher for books)."""

from __future__ import annotations

import math
import random
import statistics
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


def bridge_era(ctx: BuildContext, draft: Draft) -> float | None:
    """Median year of the bridge items (None when the catalog has no years)."""
    years = [y for b in draft.bridges if (y := ctx.year_of(b.item_id)) is not None]
    return statistics.median(years) if years else None


def plausible_era(era: float, entity_era: float, window: int) -> bool:
    return math.isnan(entity_era) or abs(entity_era - era) <= window


def wrong_entity(ctx: BuildContext, draft: Draft, rng: random.Random) -> str | None:
    """A frequent entity of the bridged relation, active in the bridges' era, that no bridge holds
    and whose name overlaps nothing the query states or names."""
    relation, true_entity = draft.bridges[0].relation, draft.bridges[0].entity
    kg = ctx.inputs.kg
    held = {e for b in draft.bridges for e in kg.entities(b.item_id, relation)}
    true_key = title_key(true_entity)
    stated = [title_key(c.entity) for c in draft.conditions]
    titles = [ctx.title_key(i) for i in (*draft.ground_truth, *(b.item_id for b in draft.bridges))]
    era = bridge_era(ctx, draft)
    eras = ctx.entity_eras(relation)
    options = []
    for entity in ctx.entities_by_frequency(relation):
        key = title_key(entity)
        if entity in held or not key or contains_key(key, true_key) or contains_key(true_key, key):
            continue
        if era is not None and not plausible_era(era, eras[entity][1], ctx.config.era_years):
            continue
        if any(contains_key(s, key) or contains_key(key, s) for s in stated) or any(contains_key(t, key) for t in titles):
            continue
        options.append(entity)
        if len(options) >= POOL:
            break
    return rng.choice(options) if options else None
