"""Interest queries (docs/generator.md): item sets consumed consecutively (within
`interest_window` history positions) by at least `interest_min_users` users. A query names the
seed items (the pattern's items that hold the taste, one to three) and describes the taste by
theme — its most informative genre-with-era, genre pair, language or country (TasteIndex IDF),
never a person or a series; the ground truth is what those users consumed *after* the seeds
that shares the theme. The theme is recorded in `group["theme"]`. The sample's history is the
owner's past up to the seeds: it precedes the ground truth."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from itertools import combinations

from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.taste import THEME_RELATIONS, Fact, TasteIndex, as_conditions, candidate_tastes, theme_rows

MAX_GROUP_USERS = 50  # users recorded in a sample's group
MIN_GROUND_TRUTH = 2


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
    windows_of: dict[int, list[set[tuple[str, ...]]]] = {}  # per size, each user's windows (kept for the second pass)
    for size in range(2, max_items + 1):
        counts: Counter[tuple[str, ...]] = Counter()
        windows_of[size] = [_windows(items, window, size) for _, items in histories]
        for user_windows in windows_of[size]:
            counts.update(user_windows)
        frequent = [k for k, n in counts.items() if n >= min_users]
        found.extend((k, counts[k]) for k in frequent)
        if not frequent:
            break
    best = heapq.nsmallest(limit, found, key=lambda p: (-len(p[0]), -p[1], p[0]))
    chosen: dict[tuple[str, ...], list[str]] = {k: [] for k, _ in best}
    order: dict[tuple[str, ...], tuple[str, ...]] = {}
    sizes = sorted({len(k) for k in chosen})
    for n, (uid, items) in enumerate(histories):  # second pass: who shares each chosen set, and in which order
        for size in sizes:
            for key in windows_of[size][n] & chosen.keys():
                chosen[key].append(uid)
                if key not in order:
                    order[key] = tuple(i for i in items if i in key)
    return [(order[k], users) for k, users in chosen.items()]


def followers(pattern: Sequence[str], users: Sequence[str], histories: dict[str, tuple[str, ...]], follow: int) -> Counter[str]:
    """Items each user consumed within `follow` positions after the last pattern item (counted per user)."""
    seen = set(pattern)
    counts: Counter[str] = Counter()
    for uid in users:
        items = histories[uid]
        end = max(items.index(i) for i in pattern)
        counts.update({i for i in items[end + 1 : end + 1 + follow] if i not in seen})
    return counts


def best_taste(
    pattern: Sequence[str], after: Counter[str], tastes: TasteIndex, max_truth: int, allowed: Collection[str] = THEME_RELATIONS
) -> tuple[tuple[Fact, ...], tuple[str, ...], tuple[str, ...]] | None:
    """(taste, seeds, ground truth) for the most informative describable taste that some pattern
    items (the seeds) hold and that ≥ MIN_GROUND_TRUTH following items share; the ground truth
    lists the items followed by the most users first."""
    ranked = sorted(after, key=lambda i: (-after[i], i))
    seed_facts = frozenset(f for i in pattern for f in tastes.item_facts.get(i, ()) if f[0] in allowed)
    followers_of: dict[Fact, list[str]] = {}
    for i in ranked:
        for f in tastes.item_facts.get(i, frozenset()) & seed_facts:
            followers_of.setdefault(f, []).append(i)
    common = [f for f, items in followers_of.items() if len(items) >= MIN_GROUND_TRUTH]
    for taste in candidate_tastes(pattern, tastes, allowed, common):
        seeds = tuple(i for i in pattern if tastes.holds(i, taste))
        if not seeds:
            continue
        shortest = min((followers_of[f] for f in taste), key=len)  # in `ranked` order
        truth = [i for i in shortest if tastes.holds(i, taste)]
        if len(truth) >= MIN_GROUND_TRUTH:
            return taste, seeds, tuple(truth[:max_truth])
    return None


def build_interest(ctx: BuildContext, histories: dict[str, tuple[str, ...]], advance: Callable[[int], None] | None = None) -> list[Draft]:
    """One draft per distinct (seeds, taste), most shared patterns first, up to `max_interest`."""
    cfg = ctx.config
    ordered = [(uid, histories[uid]) for uid in ctx.inputs.user_ids(cfg.limit_users) if uid in histories]
    patterns = mine_sequences(ordered, cfg.interest_window, cfg.interest_max_items, cfg.interest_min_users, 4 * cfg.max_interest)
    drafts: list[Draft] = []
    seen_truth: set[frozenset[str]] = set()
    seen_seeds: set[tuple[str, ...]] = set()
    for items, users in patterns:
        if len(drafts) >= cfg.max_interest:
            break
        found = best_taste(items, followers(items, users, histories, cfg.interest_follow), ctx.tastes, cfg.interest_max_ground_truth)
        if found is None:
            continue
        taste, seeds, truth = found
        if frozenset(truth) in seen_truth or seeds in seen_seeds:
            continue
        seen_truth.add(frozenset(truth))
        seen_seeds.add(seeds)
        owner = max(users, key=lambda u: (_followed(histories[u], items, truth), -users.index(u)))
        drafts.append(
            Draft(
                domain=ctx.domain,
                subtype="interest",
                key=f"{'>'.join(seeds)}|{taste}",
                ground_truth=truth,
                taste=as_conditions(taste),
                seeds=seeds,
                user_id=owner,
                history=history_before(histories[owner], items, truth),
                group={"users": users[:MAX_GROUP_USERS], "pattern": " > ".join(seeds), "theme": theme_rows(as_conditions(taste))},
            )
        )
    if advance:
        advance(len(patterns))
    return drafts


def _followed(items: Sequence[str], pattern: Sequence[str], truth: Sequence[str]) -> int:
    end = max(items.index(i) for i in pattern)
    return len(set(items[end + 1 :]) & set(truth))


def history_before(items: Sequence[str], pattern: Sequence[str], truth: Sequence[str]) -> tuple[str, ...]:
    """The owner's history up to the last seed, cut before any ground-truth item it holds."""
    end = max(items.index(i) for i in pattern) + 1
    truth_set = set(truth)
    first = next((n for n, i in enumerate(items) if i in truth_set), len(items))
    return tuple(items[: min(end, first)])
