"""Interest queries (DESIGN §9.5): item sets consumed consecutively (within a window of
`interest_window` history positions) by at least `interest_min_users` users; the query describes
the taste shared by a subset of the items, and that subset is the ground truth."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations

from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.taste import shared_tastes

MAX_GROUP_USERS = 50  # users recorded in a sample's group


def _windows(items: Sequence[str], window: int, size: int) -> set[tuple[str, ...]]:
    """Sorted item sets of `size` found within `window` consecutive positions."""
    if size == 2:
        return {(a, b) if a < b else (b, a) for i, a in enumerate(items) for b in items[i + 1 : i + window]}
    return {tuple(sorted((a, *rest))) for i, a in enumerate(items) for rest in combinations(items[i + 1 : i + window], size - 1)}


def mine_sequences(
    histories: Sequence[tuple[str, tuple[str, ...]]], window: int, max_items: int, min_users: int, limit: int
) -> list[tuple[tuple[str, ...], list[str]]]:
    """(items, users) for item sets of 2..max_items found within one window by ≥ min_users users;
    larger sets first, then more users; at most `limit` patterns; items in the order the first
    user consumed them."""
    found: list[tuple[tuple[str, ...], int]] = []
    for size in range(2, max_items + 1):
        counts: Counter[tuple[str, ...]] = Counter()
        for _, items in histories:
            counts.update(_windows(items, window, size))
        frequent = [k for k, n in counts.items() if n >= min_users]
        found.extend((k, counts[k]) for k in frequent)
        if not frequent:
            break
    best = heapq.nsmallest(limit, found, key=lambda p: (-len(p[0]), -p[1], p[0]))
    chosen: dict[tuple[str, ...], list[str]] = {k: [] for k, _ in best}
    order: dict[tuple[str, ...], tuple[str, ...]] = {}
    sizes = sorted({len(k) for k in chosen})
    for uid, items in histories:  # second pass: who shares each chosen set, and in which order
        for size in sizes:
            for key in _windows(items, window, size) & chosen.keys():
                chosen[key].append(uid)
                if key not in order:
                    order[key] = tuple(i for i in items if i in key)
    return [(order[k], users) for k, users in chosen.items()]


def build_interest(ctx: BuildContext, histories: dict[str, tuple[str, ...]], advance: Callable[[int], None] | None = None) -> list[Draft]:
    """One draft per distinct ground truth, most shared patterns first, up to `max_interest`."""
    cfg = ctx.config
    ordered = [(uid, histories[uid]) for uid in ctx.inputs.user_ids(cfg.limit_users) if uid in histories]
    patterns = mine_sequences(ordered, cfg.interest_window, cfg.interest_max_items, cfg.interest_min_users, 4 * cfg.max_interest)
    drafts: list[Draft] = []
    seen: set[frozenset[str]] = set()
    for items, users in patterns:
        if len(drafts) >= cfg.max_interest:
            break
        for facts, holders in shared_tastes(items, ctx.index)[:1]:
            if frozenset(holders) in seen:
                continue
            seen.add(frozenset(holders))
            owner = users[0]
            history = tuple(i for i in histories[owner] if i not in set(holders))
            drafts.append(
                Draft(
                    domain=ctx.domain,
                    subtype="interest",
                    key=f"{'>'.join(items)}|{facts}",
                    ground_truth=holders,
                    taste=ctx.index.conditions(facts),
                    user_id=owner,
                    history=history,
                    group={"users": users[:MAX_GROUP_USERS], "pattern": " > ".join(items)},
                )
            )
    if advance:
        advance(len(patterns))
    return drafts
