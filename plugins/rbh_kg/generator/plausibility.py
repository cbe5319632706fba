"""Whether a wrong entity is one a reader could believe (misinformed queries, docs/generator.md):
it holds the same relation elsewhere in the KG, it was active when each bridge item came out, a
person has the true person's gender, and for books its work is of the bridges' broad genre family.

The same checks serve the misinformed builder (which draws only plausible entities) and the draft
rules (which restate them independently of the builder)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from rbh import KG, Catalog, domain_profile
from rbh_kg.generator.config import GeneratorConfig

YEAR_RELATIONS = ("release_year", "publication_year")

# Rule names, as counted in the report.
UNHELD = "stated_entity_unheld"
INACTIVE = "stated_entity_inactive"
GENDER = "stated_entity_gender"
FAMILY = "stated_entity_genre_family"
LANGUAGE = "stated_entity_language"


class Plausibility:
    """Credit spans, genders and genre families of one domain, computed once."""

    def __init__(self, domain: str, catalog: Catalog, kg: KG, people: Mapping[str, Mapping[str, str]], config: GeneratorConfig):
        self.domain, self.catalog, self.kg, self.people, self.config = domain, catalog, kg, people, config
        profile = domain_profile(domain)
        self.families = profile.genre_families
        self.person_relations = frozenset(profile.people)
        self._spans: dict[tuple[str, str], tuple[int, int] | None] = {}
        self._entity_families: dict[tuple[str, str], frozenset[str]] = {}
        self._candidates: dict[str, list[tuple[str, str, str | None, tuple[int, int] | None]]] = {}
        self._languages: dict[tuple[str, str, str], frozenset[str]] = {}

    @property
    def checks_gender(self) -> bool:
        """Whether the inputs carry people's gender (without them the gender rule is skipped)."""
        return bool(self.people)

    @property
    def checks_family(self) -> bool:
        return bool(self.families)

    def span(self, relation: str, entity: str) -> tuple[int, int] | None:
        """(first, last) year of the catalog items holding (relation, entity); None without years."""
        key = (relation, entity)
        if key not in self._spans:
            years = [y for i in self.kg.items_with(relation, entity) if (y := self.year(i)) is not None]
            self._spans[key] = (min(years), max(years)) if years else None
        return self._spans[key]

    def year(self, item_id: str) -> int | None:
        item = self.catalog.get(item_id)
        return item.year if item is not None else None

    def active_window(self, years: Sequence[int]) -> tuple[float, float]:
        """(latest first credit, earliest last credit) an entity active at every one of `years` may have."""
        if not years:
            return float("inf"), float("-inf")
        return min(years) + self.config.active_before, max(years) - self.config.active_after

    def active(self, relation: str, entity: str, years: Iterable[int]) -> bool:
        """First credit at most `active_before` years after, last at least `active_after` years
        before, every one of `years` (true when the KG has no years to judge by)."""
        span = self.span(relation, entity)
        if span is None:
            return True
        first_by, last_from = self.active_window(list(years))
        return span[0] <= first_by and span[1] >= last_from

    def candidates(self, relation: str, ordered: Sequence[str]) -> list[tuple[str, str, str | None, tuple[int, int] | None]]:
        """(entity, title key, gender, credit span) of `ordered` (one relation's entities, most
        frequent first), built once per relation: what the misinformed builder scans."""
        if relation not in self._candidates:
            from rbh.data import title_key

            self._candidates[relation] = [(e, title_key(e), self.gender(e), self.span(relation, e)) for e in ordered]
        return self._candidates[relation]

    def required_gender(self, relation: str, true_entity: str) -> str | None:
        """The gender a wrong entity must have: None when the rule does not apply (not a person,
        or no gender data), "" when the true person's gender is unknown (nothing can match)."""
        if relation not in self.person_relations or not self.checks_gender:
            return None
        return self.gender(true_entity) or ""

    def gender(self, entity: str) -> str | None:
        value = (self.people.get(entity) or {}).get("gender")
        return value if value in ("female", "male") else None

    def same_gender(self, relation: str, true_entity: str, stated: str) -> bool:
        """True for non-person relations and when no gender data was given; else both genders
        must be known and equal."""
        required = self.required_gender(relation, true_entity)
        return required is None or (required != "" and required == self.gender(stated))

    @cached_property
    def checks_language(self) -> bool:
        return "language" in self.kg.relations()

    def entity_languages(self, relation: str, entity: str) -> frozenset[str]:
        key = ("\0language", relation, entity)
        if key not in self._languages:
            self._languages[key] = frozenset(x for i in self.kg.items_with(relation, entity) for x in self.kg.entities(i, "language"))
        return self._languages[key]

    def same_language(self, relation: str, stated: str, bridges: Sequence[str]) -> bool:
        """The stated entity has worked in a language of every bridge (a French film's actor is
        no Hollywood star who never made one); bridges without a language pass."""
        own = self.entity_languages(relation, stated)
        return all(not (langs := set(self.kg.entities(b, "language"))) or bool(own & langs) for b in bridges)

    def item_families(self, item_id: str) -> frozenset[str]:
        return frozenset(f for g in self.kg.entities(item_id, "genre") if (f := self.families.get(g)))

    def entity_families(self, relation: str, entity: str) -> frozenset[str]:
        """The most frequent genre families of an entity's items (ties kept)."""
        key = (relation, entity)
        if key not in self._entity_families:
            counts = Counter(f for i in self.kg.items_with(relation, entity) for f in self.item_families(i))
            top = max(counts.values(), default=0)
            self._entity_families[key] = frozenset(f for f, n in counts.items() if n == top and top)
        return self._entity_families[key]

    def same_family(self, relation: str, stated: str, bridges: Sequence[str]) -> bool:
        """The stated entity's main family is one of the bridges' (domains without families pass)."""
        if not self.checks_family:
            return True
        wanted = frozenset().union(*(self.item_families(b) for b in bridges)) if bridges else frozenset()
        own = self.entity_families(relation, stated)
        return not wanted or not own or bool(own & wanted)

    def problems(self, relation: str, true_entity: str, stated: str, bridges: Sequence[str]) -> list[str]:
        """The plausibility rules a stated wrong entity breaks for these bridge items."""
        broken = []
        if not self.kg.items_with(relation, stated):
            broken.append(UNHELD)
        years = [y for b in bridges if (y := self.year(b)) is not None]
        if not self.active(relation, stated, years):
            broken.append(INACTIVE)
        if not self.same_gender(relation, true_entity, stated):
            broken.append(GENDER)
        if not self.same_family(relation, stated, bridges):
            broken.append(FAMILY)
        if not self.same_language(relation, stated, bridges):
            broken.append(LANGUAGE)
        return broken

    @cached_property
    def rules(self) -> tuple[str, ...]:
        """The rules this domain's data lets us check."""
        checked = (GENDER, self.checks_gender), (FAMILY, self.checks_family), (LANGUAGE, self.checks_language)
        return (UNHELD, INACTIVE) + tuple(rule for rule, on in checked if on)
