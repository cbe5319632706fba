"""Implicit queries (DESIGN §9.3): one condition (r, e) is referred to through 1–2 bridge items
outside the ground truth that hold (b, r, e); the query names the bridges, never e."""

from __future__ import annotations

import random
from collections.abc import Sequence

from rbh.data import Bridge, Condition, title_key
from rbh_kg.generator.context import BuildContext, contains_key
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.mining import MinedSet, UserSets

# Relations a bridge describes well come first ("same director as"); genre or language are vague.
BRIDGE_PREFERENCE = (
    "directed_by",
    "starring",
    "written_by",
    "music_by",
    "cinematography",
    "produced_by",
    "series",
    "publisher",
    "release_year",
    "publication_year",
    "country",
    "language",
    "genre",
)
POOL = 6  # bridges drawn among the most popular candidates


def build_implicit(ctx: BuildContext, user: UserSets, mined: MinedSet, rng: random.Random) -> Draft | None:
    """The explicit draft with one condition moved behind bridge items; None when none fits."""
    facts, mask = mined
    conditions = ctx.index.conditions(facts)
    ground_truth = user.ground_truth(mask)
    for condition in _bridgeable_order(ctx, conditions, rng):
        bridges = pick_bridges(ctx, condition, conditions, ground_truth, rng)
        if bridges:
            return Draft(
                domain=ctx.domain,
                subtype="implicit",
                key=f"{user.user_id}|{facts}|{condition.relation}",
                ground_truth=ground_truth,
                conditions=conditions,
                bridges=tuple(Bridge(b, condition.relation, condition.entity) for b in bridges),
                user_id=user.user_id,
                history=user.history_without(mask),
            )
    return None


def _bridgeable_order(ctx: BuildContext, conditions: Sequence[Condition], rng: random.Random) -> list[Condition]:
    """Informative facts and well-described relations first; seeded order within a tier."""

    def tier(c: Condition) -> tuple[int, int]:
        informative = ctx.index.informative[ctx.index.ids[(c.relation, c.entity)]]
        rank = BRIDGE_PREFERENCE.index(c.relation) if c.relation in BRIDGE_PREFERENCE else len(BRIDGE_PREFERENCE)
        return (0 if informative else 1, rank)

    shuffled = list(conditions)
    rng.shuffle(shuffled)
    return sorted(shuffled, key=tier)


def pick_bridges(
    ctx: BuildContext, condition: Condition, conditions: Sequence[Condition], ground_truth: Sequence[str], rng: random.Random
) -> list[str]:
    """1–2 popular items with (b, r, e) outside the ground truth whose titles leak nothing."""
    entity_key = title_key(condition.entity)
    others = [title_key(c.entity) for c in conditions if c != condition]
    if any(contains_key(o, entity_key) or contains_key(entity_key, o) for o in others):
        return []  # another stated condition would name the hidden entity
    gt = set(ground_truth)
    gt_keys = [ctx.title_key(i) for i in ground_truth]
    kg = ctx.inputs.kg
    candidates = []
    for rank, item in enumerate(ctx.popular_items(condition.relation, condition.entity)):
        if item in gt:
            continue
        key = ctx.title_key(item)
        if contains_key(key, entity_key) or any(contains_key(key, g) or contains_key(g, key) for g in gt_keys):
            continue
        candidates.append((len(kg.entities(item, condition.relation)) > 1, rank, item))
        if len(candidates) >= 3 * POOL:
            break
    if not candidates:
        return []
    pool = [c[2] for c in sorted(candidates)[:POOL]]
    n = 2 if len(pool) >= 2 and rng.random() < 0.4 else 1
    return sorted(rng.sample(pool, n), key=pool.index)
