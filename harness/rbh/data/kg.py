"""Knowledge graph of item facts: triples (item_id, relation, entity) with hash lookups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rbh.data.sample import Condition


@dataclass(frozen=True)
class Triple:
    """One fact: `item_id` has `entity` for `relation`."""

    item_id: str
    relation: str
    entity: str

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "Triple":
        return cls(str(row["item_id"]), str(row["relation"]), str(row["entity"]))

    def to_dict(self) -> dict[str, str]:
        return {"item_id": self.item_id, "relation": self.relation, "entity": self.entity}


class KG:
    """Facts per item and items per fact; `satisfies` is O(|conditions|). An item's facts keep the
    order they were given in, so `credits` returns a relation's entities in billing order."""

    def __init__(self, triples: Iterable[Triple], entity_aliases: Mapping[str, str] | None = None):
        self._facts: dict[str, dict[tuple[str, str], None]] = {}
        self._items: dict[tuple[str, str], set[str]] = {}
        self.entity_aliases: dict[str, str] = dict(entity_aliases or {})
        self.n_triples = 0
        for t in triples:
            fact = (t.relation, t.entity)
            facts = self._facts.setdefault(t.item_id, {})
            if fact not in facts:
                facts[fact] = None
                self._items.setdefault(fact, set()).add(t.item_id)
                self.n_triples += 1

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "KG":
        return cls(Triple.from_dict(r) for r in rows)

    def __len__(self) -> int:
        return self.n_triples

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._facts

    def facts(self, item_id: str) -> frozenset[tuple[str, str]]:
        """All (relation, entity) facts of an item."""
        return frozenset(self._facts.get(item_id, ()))

    def entities(self, item_id: str, relation: str) -> list[str]:
        """Entities of one relation for an item, sorted."""
        return sorted(e for r, e in self._facts.get(item_id, ()) if r == relation)

    def credits(self, item_id: str, relation: str) -> tuple[str, ...]:
        """Entities of one relation for an item in the order the source gave them (the billing
        order of a cast list); a KG read back from sorted triples gives them sorted."""
        return tuple(e for r, e in self._facts.get(item_id, ()) if r == relation)

    def items_with(self, relation: str, entity: str) -> frozenset[str]:
        """Items that have `entity` for `relation`."""
        return frozenset(self._items.get((relation, self.entity_aliases.get(entity, entity)), ()))

    def has(self, item_id: str, relation: str, entity: str) -> bool:
        entity = self.entity_aliases.get(entity, entity)
        return (relation, entity) in self._facts.get(item_id, ())

    def satisfies(self, item_id: str, conditions: Iterable[Condition]) -> bool:
        """True when the item holds every condition."""
        facts = self._facts.get(item_id)
        if facts is None:
            return False
        return all((c.relation, self.entity_aliases.get(c.entity, c.entity)) in facts for c in conditions)

    def holds(self, item_id: str, conditions: Iterable[Condition]) -> tuple[bool, ...]:
        """Per condition, in order: does the item hold it?"""
        facts = self._facts.get(item_id, ())
        aliases = self.entity_aliases
        return tuple((c.relation, aliases.get(c.entity, c.entity)) in facts for c in conditions)

    def relations(self) -> list[str]:
        return sorted({r for r, _ in self._items})

    def triples(self) -> Iterable[Triple]:
        for item_id in sorted(self._facts):
            for relation, entity in sorted(self._facts[item_id]):
                yield Triple(item_id, relation, entity)
