"""Implicit queries (docs/generator.md): one condition (r, e) is referred to through bridge items
outside the ground truth that hold (b, r, e); the query names the bridges, never e.

The bridges identify e: the intersection of their r-values is exactly {e} (one bridge only when
it has a single r-value, e.g. its sole director or author), and a hidden person is among the
first-billed credits of every bridge (a KG lists the leading cast only, so a supporting player
shared in the world would go unseen). Genre is never hidden. The hidden condition must matter:
without it the request would have at least twice as many answers, and three more. The hidden
relation keeps the subtype's running relation mix near its target (the paper's: people and
credits), and no entity is hidden in more than `max_entity_share` of the subtype."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence

from rbh import KG
from rbh.data import Bridge, Condition, title_key
from rbh_kg.generator.config import NEVER_HIDDEN
from rbh_kg.generator.context import BuildContext, contains_key
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.mining import MinedSet, UserSets

POOL = 6  # the first bridge is drawn among the most popular candidates
SEARCH = 60  # candidates examined for the bridges that narrow the hidden entity down


def build_implicit(ctx: BuildContext, user: UserSets, mined: MinedSet, rng: random.Random) -> Draft | None:
    """The explicit draft with one condition moved behind bridge items; None when none fits."""
    return build_bridged(ctx, user, mined, rng, "implicit", lambda draft: draft)


def build_bridged(
    ctx: BuildContext, user: UserSets, mined: MinedSet, rng: random.Random, subtype: str, finish: Callable[[Draft], Draft | None]
) -> Draft | None:
    """The first hideable condition whose bridges identify it and whose draft `finish` accepts
    (misinformed adds its wrong entity there); the relation is counted in the subtype's mix."""
    facts, mask = mined
    conditions = ctx.index.conditions(facts)
    ground_truth = user.ground_truth(mask)
    for condition in hideable_order(ctx, conditions, subtype, rng):
        bridges = pick_bridges(ctx, condition, conditions, ground_truth, rng)
        if not bridges:
            continue
        draft = finish(
            Draft(
                domain=ctx.domain,
                subtype=subtype,
                key=f"{user.user_id}|{facts}|{condition.relation}",
                ground_truth=ground_truth,
                conditions=conditions,
                bridges=tuple(Bridge(b, condition.relation, condition.entity) for b in bridges),
                user_id=user.user_id,
                history=user.history_before(mask),
            )
        )
        if draft is not None:
            ctx.hidden_mix(subtype).record(condition)
            return draft
    return None


def hideable_order(ctx: BuildContext, conditions: Sequence[Condition], subtype: str, rng: random.Random) -> list[Condition]:
    """Conditions that may be hidden, that matter, whose relation is not over its target share
    and whose entity is not over its cap; the relation furthest below its target first."""
    mix = ctx.hidden_mix(subtype)
    balancer = mix.relations
    shuffled = [
        c
        for c in conditions
        if c.relation not in NEVER_HIDDEN
        and balancer.has_room(c.relation)
        and mix.entity_has_room(c.entity)
        and hidden_matters(ctx.answers, conditions, c)
    ]
    if subtype == "misinformed":
        shuffled = [c for c in shuffled if ctx.config.misinformable(ctx.domain, c.relation)]
    rng.shuffle(shuffled)
    rank = {r: n for n, r in enumerate(balancer.order(dict.fromkeys(c.relation for c in shuffled)))}
    return sorted(shuffled, key=lambda c: rank[c.relation])


def bridge_candidates(ctx: BuildContext, condition: Condition, conditions: Sequence[Condition], ground_truth: Sequence[str]) -> list[str]:
    """Items holding (r, e) outside the ground truth whose titles leak nothing, most popular first."""
    entity_key = title_key(condition.entity)
    others = [title_key(c.entity) for c in conditions if c != condition]
    if any(contains_key(o, entity_key) or contains_key(entity_key, o) for o in others):
        return []  # another stated condition would name the hidden entity
    gt = set(ground_truth)
    gt_keys = [ctx.title_key(i) for i in ground_truth]
    kg, first = ctx.inputs.kg, ctx.config.first_billed
    out = []
    for item in ctx.popular_items(condition.relation, condition.entity):
        if item in gt or not first_billed(kg, item, condition.relation, condition.entity, first, ctx.people):
            continue
        key = ctx.title_key(item)
        if contains_key(key, entity_key) or any(contains_key(key, g) or contains_key(g, key) for g in gt_keys):
            continue
        out.append(item)
        if len(out) >= SEARCH:
            break
    return out


def pick_bridges(
    ctx: BuildContext, condition: Condition, conditions: Sequence[Condition], ground_truth: Sequence[str], rng: random.Random
) -> list[str]:
    """Bridges whose r-values intersect in exactly {e}: one sole-valued item when there is one
    (sometimes with a second for variety), else a popular item narrowed by the items that share
    the fewest other r-values with it, up to `max_bridges`; [] when e cannot be pinned down."""
    candidates = bridge_candidates(ctx, condition, conditions, ground_truth)
    if not candidates:
        return []
    kg, target = ctx.inputs.kg, {condition.entity}

    def values(item: str) -> set[str]:
        return set(kg.entities(item, condition.relation))

    sole = [c for c in candidates if values(c) == target][:POOL]
    if sole:
        n = 2 if len(sole) >= 2 and rng.random() < 0.3 else 1
        return sorted(rng.sample(sole, n), key=sole.index)
    chosen = [rng.choice(candidates[:POOL])]
    common = values(chosen[0])
    while common != target and len(chosen) < ctx.config.max_bridges:
        rest = [c for c in candidates if c not in chosen]
        if not rest:
            break
        best = min(rest, key=lambda c: len(common & values(c)))  # ties: the more popular
        narrowed = common & values(best)
        if len(narrowed) >= len(common):
            break
        chosen.append(best)
        common = narrowed
    return chosen if common == target else []


def identifies(kg_entities: Sequence[set[str]], entity: str) -> bool:
    """True when the bridges' value sets intersect in exactly {entity}."""
    if not kg_entities:
        return False
    common = set(kg_entities[0])
    for values in kg_entities[1:]:
        common &= values
    return common == {entity}


def hidden_matters(answers: Callable[[Sequence[Condition]], int], conditions: Sequence[Condition], hidden: Condition) -> bool:
    """Whether the other conditions leave room for the hidden one to matter: without it the
    request has at least twice as many answers (`answers` counts catalog items), and 3 more."""
    with_it = answers(conditions)
    without = answers([c for c in conditions if c != hidden])
    return without >= 2 * with_it and without >= with_it + 3


def first_billed(kg: KG, item: str, relation: str, entity: str, n: int, people: Collection[str]) -> bool:
    """A person is among the first `n` credits of `relation` on `item` (relations not in
    `people`, the domain's person relations, pass)."""
    return relation not in people or entity in kg.credits(item, relation)[:n]
