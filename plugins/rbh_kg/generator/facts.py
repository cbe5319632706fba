"""Integer ids for KG facts, per-item fact lists and catalog-wide fact frequencies.

Mining works on small ints and bitmasks; this index is built once per domain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rbh import KG, Catalog
from rbh.data import Condition


class FactIndex:
    """Facts (relation, entity) numbered in sorted order; `informative[f]` is False for facts held
    by more than `frequent_share` of the catalog (they may only join another condition)."""

    def __init__(self, catalog: Catalog, kg: KG, frequent_share: float = 0.30):
        triples = [t for t in kg.triples() if t.item_id in catalog]
        self.facts: list[tuple[str, str]] = sorted({(t.relation, t.entity) for t in triples})
        self.ids: dict[tuple[str, str], int] = {f: i for i, f in enumerate(self.facts)}
        per_item: dict[str, list[int]] = {}
        for t in triples:
            per_item.setdefault(t.item_id, []).append(self.ids[(t.relation, t.entity)])
        self.item_facts: dict[str, tuple[int, ...]] = {i: tuple(sorted(set(fs))) for i, fs in per_item.items()}
        counts = Counter(f for fs in self.item_facts.values() for f in fs)
        self.count: list[int] = [counts[i] for i in range(len(self.facts))]
        limit = frequent_share * max(1, len(catalog))
        self.informative: list[bool] = [c <= limit for c in self.count]

    def condition(self, fact: int) -> Condition:
        relation, entity = self.facts[fact]
        return Condition(relation, entity)

    def conditions(self, facts: Sequence[int]) -> tuple[Condition, ...]:
        return tuple(self.condition(f) for f in facts)

    def entities_by_frequency(self, relation: str) -> list[str]:
        """Entities of one relation, most frequent first (ties by name)."""
        pairs = [(-self.count[i], e) for i, (r, e) in enumerate(self.facts) if r == relation]
        return [e for _, e in sorted(pairs)]


def popularity(histories: Mapping[str, Sequence[str]]) -> Counter[str]:
    """Number of users whose history holds each item."""
    counts: Counter[str] = Counter()
    for items in histories.values():
        counts.update(set(items))
    return counts
