"""Condition mining per user (docs/design.md §9.1): facts shared by ≥ min_support history items, grown
Apriori-style (level by level) to at most `max_conditions` facts, closed sets only.

A set is grown from its smallest informative fact (the anchor) with partner facts of the
anchor's items, so each set is built once and every set holds an informative fact (too-frequent
facts never stand alone). A grown fact must narrow the ground truth; a set is recorded as its
closure under informative facts (the facts every ground-truth item shares), cut to
`max_conditions` — so no recorded set has a superset with the same items. Tidsets are Python
ints used as bitmasks over the user's history positions.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from rbh_kg.generator.config import GeneratorConfig
from rbh_kg.generator.facts import FactIndex

MinedSet = tuple[tuple[int, ...], int]  # (sorted fact ids, bitmask of history positions)


def size_class(n_conditions: int) -> int:
    """1, 2, or 3 for three to four conditions (the classes of the target mix)."""
    return min(n_conditions, 3)


@dataclass(frozen=True)
class UserSets:
    """One user's deduplicated, time-ordered history and a seeded sample of their closed
    condition sets: at most `candidates_per_class` distinct ground truths per size class."""

    user_id: str
    items: tuple[str, ...]
    by_class: dict[int, tuple[MinedSet, ...]]
    n_closed: int = 0

    def ground_truth(self, mask: int) -> tuple[str, ...]:
        return tuple(item for pos, item in enumerate(self.items) if mask >> pos & 1)

    def history_without(self, mask: int) -> tuple[str, ...]:
        return tuple(item for pos, item in enumerate(self.items) if not mask >> pos & 1)

    def history_before(self, mask: int) -> tuple[str, ...]:
        """The items consumed before the first ground-truth item (what a history prompt may show)."""
        return self.items[: prior_count(mask)]


def prior_count(mask: int) -> int:
    """Number of history positions before the lowest set bit of `mask`."""
    return (mask & -mask).bit_length() - 1 if mask else 0


def dedupe_history(items: Iterable[str], index: FactIndex) -> tuple[str, ...]:
    """First occurrence of each item that the KG knows, in time order."""
    return tuple(i for i in dict.fromkeys(items) if i in index.item_facts)


def mine_conditions(items: Sequence[str], index: FactIndex, config: GeneratorConfig, rng: random.Random | None = None) -> list[MinedSet]:
    """Closed condition sets of one history, level by level (1, 2, 3, 4 conditions).

    At most `config.max_nodes_per_level` sets are visited per level and user, drawn in a seeded
    random order, so when the cap cuts a level the sets kept are a fair sample of it.
    """
    min_support, item_facts, informative = config.min_support, index.item_facts, index.informative
    rng = rng or random.Random(f"{config.seed}:levels:{len(items)}")
    masks: dict[int, int] = {}
    for pos, item in enumerate(items):
        bit = 1 << pos
        for f in item_facts[item]:
            masks[f] = masks.get(f, 0) | bit
    frequent = {f: m for f, m in masks.items() if m.bit_count() >= min_support}
    facts_at = [tuple(f for f in item_facts[item] if f in frequent) for item in items]
    closers_at = [tuple(f for f in fs if informative[f]) for fs in facts_at]
    count = index.count
    found: dict[tuple[int, ...], int] = {}

    def partners_of(anchor: int, anchor_mask: int) -> list[tuple[int, int]]:
        """Facts held by ≥ min_support of the anchor's items (later informative ones, or too-frequent ones)."""
        positions = []
        rest = anchor_mask
        while rest:
            low = rest & -rest
            positions.append(low.bit_length() - 1)
            rest ^= low
        counts = Counter(chain.from_iterable(facts_at[p] for p in positions))
        partners = [g for g, c in counts.items() if c >= min_support and g != anchor and (g > anchor or not informative[g])]
        if len(partners) > config.max_partners:
            partners = sorted(partners, key=lambda g: (-counts[g], g))[: config.max_partners]
        partners.sort()
        return [(g, frequent[g] & anchor_mask) for g in partners]

    frontier: list[tuple[tuple[int, ...], int, list[tuple[int, int]] | None]] = [
        ((f,), frequent[f], None) for f in sorted(frequent) if informative[f]
    ]
    while frontier:
        if len(frontier) > config.max_nodes_per_level:
            frontier = rng.sample(frontier, config.max_nodes_per_level)
        children: list[tuple[tuple[int, ...], int, list[tuple[int, int]] | None]] = []
        for facts, mask, partners in frontier:
            if mask.bit_count() <= config.max_ground_truth:
                first = closers_at[(mask & -mask).bit_length() - 1]
                implied = [g for g in first if g not in facts and frequent[g] & mask == mask]
                implied.sort(key=lambda g: (count[g], g))
                room = config.max_conditions - len(facts)
                found.setdefault(tuple(sorted((*facts, *implied[:room]))), mask)
            if len(facts) >= config.max_conditions:
                continue
            if partners is None:
                partners = partners_of(facts[0], mask)
            for j, (g, g_mask) in enumerate(partners):
                narrowed = mask & g_mask
                if narrowed != mask and narrowed.bit_count() >= min_support:  # else implied, or too rare
                    children.append(((*facts, g), narrowed, partners[j + 1 :]))
        frontier = children
    return sorted(found.items())


# -- many users, optionally in worker processes ---------------------------------------------
_WORKER_STATE: tuple[FactIndex, GeneratorConfig] | None = None


def _mine_chunk(chunk: list[tuple[str, tuple[str, ...]]]) -> list[UserSets]:
    assert _WORKER_STATE is not None
    index, config = _WORKER_STATE
    return [
        keep_candidates(uid, items, mine_conditions(items, index, config, random.Random(f"{config.seed}:levels:{uid}")), config)
        for uid, items in chunk
    ]


def keep_candidates(user_id: str, items: tuple[str, ...], sets: list[MinedSet], config: GeneratorConfig) -> UserSets:
    """Keep a seeded sample of distinct ground truths per size class (memory stays bounded)."""
    per_class: dict[int, dict[int, tuple[int, ...]]] = {}
    for facts, mask in sets:
        per_class.setdefault(size_class(len(facts)), {}).setdefault(mask, facts)
    rng = random.Random(f"{config.seed}:mine:{user_id}")
    by_class: dict[int, tuple[MinedSet, ...]] = {}
    for cls in sorted(per_class):
        pool = [(facts, mask) for mask, facts in per_class[cls].items()]
        if len(pool) > config.candidates_per_class:
            pool = rng.sample(pool, config.candidates_per_class)
        by_class[cls] = tuple(pool)
    return UserSets(user_id, items, by_class, len(sets))


def mine_users(
    histories: Sequence[tuple[str, tuple[str, ...]]],
    index: FactIndex,
    config: GeneratorConfig,
    advance: Callable[[int], None] | None = None,
) -> list[UserSets]:
    """Mine every (user_id, deduplicated history); `config.workers` > 1 forks worker processes."""
    global _WORKER_STATE
    _WORKER_STATE = (index, config)
    step = 200
    chunks = [list(histories[i : i + step]) for i in range(0, len(histories), step)]
    out: list[UserSets] = []
    try:
        if config.workers > 1 and len(chunks) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(config.workers, mp_context=context) as pool:
                for result in pool.map(_mine_chunk, chunks):
                    out.extend(result)
                    if advance:
                        advance(len(result))
        else:
            for chunk in chunks:
                out.extend(_mine_chunk(chunk))
                if advance:
                    advance(len(chunk))
    finally:
        _WORKER_STATE = None
    return out
