"""Describing a shared taste: the KG facts that a subset of some items have in common."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rbh_kg.generator.facts import FactIndex


def shared_tastes(items: Sequence[str], index: FactIndex, min_items: int = 2) -> list[tuple[tuple[int, ...], tuple[str, ...]]]:
    """Candidate tastes over `items`: (facts, the items holding them all), best first.

    A taste is one informative fact, optionally narrowed by a second fact the same items share,
    or two too-frequent facts together; subsets smaller than `min_items` are skipped.
    """
    counts: Counter[int] = Counter(f for i in items for f in index.item_facts.get(i, ()))
    shared = sorted((f for f, c in counts.items() if c >= min_items), key=lambda f: (-counts[f], f))
    informative = index.informative
    out: list[tuple[tuple[int, ...], tuple[str, ...]]] = []
    seen: set[tuple[str, ...]] = set()
    for f in shared:
        holders = tuple(i for i in items if f in index.item_facts.get(i, ()))
        if informative[f]:
            partner = next((g for g in shared if g != f and all(g in index.item_facts[i] for i in holders)), None)
            facts = tuple(sorted((f, partner))) if partner is not None else (f,)
        else:
            partner = next(
                (g for g in shared if g != f and not informative[g] and sum(1 for i in holders if g in index.item_facts[i]) >= min_items),
                None,
            )
            if partner is None:
                continue
            facts = tuple(sorted((f, partner)))
            holders = tuple(i for i in holders if partner in index.item_facts[i])
        if holders not in seen:
            seen.add(holders)
            out.append((facts, holders))
    return out
