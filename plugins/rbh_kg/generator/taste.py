"""Describing a shared taste (interest and demographics queries): KG facts plus a derived decade,
weighed by rarity in the catalog (IDF). Profile queries describe a taste by theme — genres, era,
language, country — never by a person or a series (the paper's profile queries name what the user
enjoyed and the kind of thing they want, which keeps them harder than condition queries); a theme
is a genre with a second fact, and country, language or decade never describe one alone."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from itertools import combinations

from rbh import KG, Catalog
from rbh.data import DECADE, Condition, decade_of

# Relations that describe a taste on their own (people, franchises).
STRONG = frozenset({"directed_by", "starring", "written_by", "music_by", "series"})
# Relations that only narrow a taste (never its whole description).
SUPPORTING = frozenset({"country", "language", DECADE})
# Crew roles a demographic group never shares as a theme.
CREW = frozenset({"cinematography", "produced_by", "music_by", "publisher"})
# What a profile query's theme is made of.
THEME_RELATIONS = frozenset({"genre", DECADE, "language", "country"})
YEAR_RELATIONS = frozenset({"release_year", "publication_year"})
USUAL_SHARE = 0.30  # a language or country held by more of the catalog is its usual one, no taste

Fact = tuple[str, str]


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
        # "English books", "American movies": true of most of the catalog, so no taste at all
        self.usual = frozenset(
            f for f, items in holders.items() if f[0] in ("language", "country") and len(items) > USUAL_SHARE * self.n_items
        )
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
    """Describable tastes (1–2 facts, each in `among` when given, none the catalog's usual
    language or country) held by at least one of `items`, most informative first."""
    facts: set[Fact] = set()
    for i in items:
        facts |= index.item_facts.get(i, frozenset())
    facts -= index.usual
    if among is not None:
        facts &= set(among)
    singles = [(f,) for f in sorted(facts)]
    pairs = [(a, b) for a, b in combinations(sorted(facts), 2) if "genre" in (a[0], b[0])]
    scored = [(index.idf(t), t) for t in (*singles, *pairs) if is_describable(t, allowed)]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [t for _, t in scored]


def as_conditions(facts: Sequence[Fact]) -> tuple[Condition, ...]:
    return tuple(Condition(r, e) for r, e in facts)


def theme_rows(taste: Sequence[Condition]) -> list[dict[str, str]]:
    """A taste as the `group["theme"]` rows a sample records."""
    return [{"relation": c.relation, "entity": c.entity} for c in taste]
