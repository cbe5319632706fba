"""What the subtype builders share: inputs, fact index, popularity, title keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rbh import DomainProfile, domain_profile
from rbh.data import Catalog, Condition, title_key
from rbh_kg.generator.config import GeneratorConfig, GeneratorInputs
from rbh_kg.generator.facts import FactIndex, popularity
from rbh_kg.generator.plausibility import Plausibility
from rbh_kg.generator.shares import ShareBalancer
from rbh_kg.generator.taste import TasteIndex


@dataclass
class HiddenMix:
    """The running mix of one subtype's hidden conditions: relations against their target shares,
    and entities under a cap (no entity hidden in more than `max_share` of the samples; two
    samples are always allowed, so a small build is not starved). The builder aims a tenth below
    the cap, so drafts dropped later by a validator cannot push an entity over it."""

    relations: ShareBalancer
    max_share: float
    entities: Counter[str] = field(default_factory=Counter)

    def entity_has_room(self, entity: str) -> bool:
        total = sum(self.entities.values()) + 1
        return self.entities[entity] + 1 <= max(2.0, 0.9 * self.max_share * total)

    def record(self, condition: Condition) -> None:
        self.relations.record(condition.relation)
        self.entities[condition.entity] += 1


@dataclass
class BuildContext:
    """One domain's inputs plus the indexes built once for every builder."""

    inputs: GeneratorInputs
    config: GeneratorConfig
    index: FactIndex = field(init=False)
    _popular: dict[tuple[str, str], list[str]] = field(init=False, default_factory=dict)
    _mixes: dict[str, HiddenMix] = field(init=False, default_factory=dict)
    _answers: dict[frozenset[Condition], int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.index = FactIndex(self.inputs.catalog, self.inputs.kg, self.config.frequent_share)

    @property
    def domain(self) -> str:
        return self.inputs.domain

    @cached_property
    def profile(self) -> DomainProfile:
        """What the domain's registered profile says (people, phrasing, hidden mix)."""
        return domain_profile(self.domain)

    @cached_property
    def people(self) -> frozenset[str]:
        """Relations whose entities are people (first-billed and gender rules apply)."""
        return frozenset(self.profile.people)

    @cached_property
    def popularity(self) -> dict[str, int]:
        return dict(popularity(self.inputs.histories))

    @cached_property
    def _entity_order(self) -> dict[str, list[str]]:
        return {}

    def entities_by_frequency(self, relation: str) -> list[str]:
        if relation not in self._entity_order:
            self._entity_order[relation] = self.index.entities_by_frequency(relation)
        return self._entity_order[relation]

    @cached_property
    def tastes(self) -> TasteIndex:
        return TasteIndex(self.inputs.catalog, self.inputs.kg)

    def hidden_mix(self, subtype: str) -> HiddenMix:
        """The running hidden-relation and hidden-entity mix of one subtype."""
        if subtype not in self._mixes:
            self._mixes[subtype] = self.new_hidden_mix(subtype)
        return self._mixes[subtype]

    def new_hidden_mix(self, subtype: str) -> HiddenMix:
        """A fresh mix whose relation targets are the config's, kept to the relations this KG has
        (a KG without composers must not leave a share waiting for them: it would cap the rest)."""
        present = set(self.inputs.kg.relations())
        targets = {r: w for r, w in self.config.hidden_targets(self.domain, subtype).items() if r in present}
        return HiddenMix(ShareBalancer(targets), self.config.max_entity_share)

    @cached_property
    def plausibility(self) -> Plausibility:
        inputs = self.inputs
        return Plausibility(inputs.domain, inputs.catalog, inputs.kg, inputs.people, self.config)

    def answers(self, conditions: Iterable[Condition]) -> int:
        """How many catalog items satisfy every condition (the whole catalog for none); memoized."""
        key = frozenset(conditions)
        if key not in self._answers:
            catalog, kg = self.inputs.catalog, self.inputs.kg
            sets = sorted((kg.items_with(c.relation, c.entity) for c in key), key=len)
            if not sets:
                self._answers[key] = len(catalog)
            else:
                items = set(sets[0])
                for other in sets[1:]:
                    items &= other
                self._answers[key] = sum(1 for i in items if i in catalog)
        return self._answers[key]

    def year_of(self, item_id: str) -> int | None:
        return _year(self.inputs.catalog, item_id)

    @cached_property
    def title_keys(self) -> dict[str, str]:
        return {i: title_key(item.title) for i, item in self.inputs.catalog.items.items()}

    def title_key(self, item_id: str) -> str:
        """Normalized title of an item (what leak checks compare)."""
        key = self.title_keys.get(item_id)
        return key if key is not None else title_key(item_id)

    def popular_items(self, relation: str, entity: str) -> list[str]:
        """Catalog items holding (relation, entity), most consumed first (ties by id); memoized."""
        key = (relation, entity)
        if key not in self._popular:
            pop = self.popularity
            items = self.inputs.kg.items_with(relation, entity)
            self._popular[key] = sorted((i for i in items if i in self.title_keys), key=lambda i: (-pop.get(i, 0), i))
        return self._popular[key]


def contains_key(text_key: str, key: str) -> bool:
    """Whole-word containment of one normalized key in another."""
    return bool(key) and f" {key} " in f" {text_key} "


def _year(catalog: "Catalog", item_id: str) -> int | None:
    item = catalog.get(item_id)
    return item.year if item is not None else None
