"""Describing a shared taste (interest and demographics queries): KG facts plus a derived decade,
weighed by rarity in the catalog (IDF), so that a person, a series or a specific genre-and-era
describes a taste and country or language never does on its own (DESIGN §9.5, §9.6)."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from itertools import combinations

from rbh import KG, Catalog
from rbh.data import Condition

DECADE = "decade"  # derived from the catalog year: ("decade", "1980s")
# Relations that describe a taste on their own (people, franchises).
STRONG = frozenset({"directed_by", "starring", "written_by", "music_by", "series"})
# Relations that only narrow a taste (never its whole description).
SUPPORTING = frozenset({"country", "language", DECADE})
# Crew roles a demographic group never shares as a theme.
CREW = frozenset({"cinematography", "produced_by", "music_by", "publisher"})
YEAR_RELATIONS = frozenset({"release_year", "publication_year"})

Fact = tuple[str, str]


def decade_of(year: int | None) -> str | None:
    return f"{year // 10 * 10}s" if year else None


class TasteIndex:
    """Per-item taste facts (KG facts without exact years, plus the decade) and their IDF."""

    def __init__(self, catalog: Catalog, kg: KG, exclude: Collection[str] = YEAR_RELATIONS):
        self.item_facts: dict[str, frozenset[Fact]] = {}
        holders: dict[Fact, set[str]] = {}
        for item_id, item in catalog.items.items():
            facts = {(r, e) for r, e in kg.facts(item_id) if r not in exclude}
            decade = decade_of(item.year)
            if decade:
                facts.add((DECADE, decade))
            self.item_facts[item_id] = frozenset(facts)
            for f in facts:
                holders.setdefault(f, set()).add(item_id)
        self.holders = {f: frozenset(items) for f, items in holders.items()}
        self.n_items = max(1, len(catalog))
        self._idf: dict[tuple[Fact, ...], float] = {}

    def holds(self, item_id: str, facts: Iterable[Fact]) -> bool:
        own = self.item_facts.get(item_id, frozenset())
        return all(f in own for f in facts)

    def holds_all(self, items: Iterable[str], facts: Sequence[Fact]) -> bool:
        return all(self.holds(i, facts) for i in items)

    def idf(self, facts: Sequence[Fact]) -> float:
        """log(catalog size / items holding every fact): the information of the description."""
        key = tuple(facts)
        if key not in self._idf:
            self._idf[key] = self._compute_idf(key)
        return self._idf[key]

    def _compute_idf(self, facts: tuple[Fact, ...]) -> float:
        items = self.holders.get(facts[0], frozenset())
        for f in facts[1:]:
            items = items & self.holders.get(f, frozenset())
        return math.log(self.n_items / max(1, len(items)))


def is_describable(facts: Sequence[Fact], allowed: Collection[str] | None = None) -> bool:
    """A taste needs a strong fact or a genre, and a genre needs a second fact: country,
    language and decade only narrow a taste; crew roles never describe one for a group."""
    relations = [r for r, _ in facts]
    if allowed is not None and any(r not in allowed for r in relations):
        return False
    if any(r in STRONG for r in relations):
        return True
    return "genre" in relations and len(facts) >= 2


def candidate_tastes(
    items: Iterable[str], index: TasteIndex, allowed: Collection[str] | None = None, among: Collection[Fact] | None = None
) -> list[tuple[Fact, ...]]:
    """Describable tastes (1–2 facts, each in `among` when given) held by at least one of
    `items`, most informative first."""
    facts: set[Fact] = set()
    for i in items:
        facts |= index.item_facts.get(i, frozenset())
    if among is not None:
        facts &= set(among)
    singles = [(f,) for f in sorted(facts)]
    pairs = [(a, b) for a, b in combinations(sorted(facts), 2) if "genre" in (a[0], b[0])]
    scored = [(index.idf(t), t) for t in (*singles, *pairs) if is_describable(t, allowed)]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [t for _, t in scored]


def as_conditions(facts: Sequence[Fact]) -> tuple[Condition, ...]:
    return tuple(Condition(r, e) for r, e in facts)
