"""What the subtype builders share: inputs, fact index, popularity, title keys."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from rbh.data import Catalog, title_key
from rbh_kg.generator.config import GeneratorConfig, GeneratorInputs
from rbh_kg.generator.facts import FactIndex, popularity
from rbh_kg.generator.shares import ShareBalancer
from rbh_kg.generator.taste import TasteIndex


@dataclass
class BuildContext:
    """One domain's inputs plus the indexes built once for every builder."""

    inputs: GeneratorInputs
    config: GeneratorConfig
    index: FactIndex = field(init=False)
    _popular: dict[tuple[str, str], list[str]] = field(init=False, default_factory=dict)
    _balancers: dict[str, ShareBalancer] = field(init=False, default_factory=dict)
    _eras: dict[str, dict[str, tuple[int, float]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.index = FactIndex(self.inputs.catalog, self.inputs.kg, self.config.frequent_share)

    @property
    def domain(self) -> str:
        return self.inputs.domain

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

    def relation_balancer(self, subtype: str) -> ShareBalancer:
        """The running hidden-relation mix of one subtype against its target."""
        if subtype not in self._balancers:
            self._balancers[subtype] = ShareBalancer(self.config.hidden_targets(self.domain, subtype))
        return self._balancers[subtype]

    def entity_eras(self, relation: str) -> dict[str, tuple[int, float]]:
        """Entity → (number of catalog items, median year of those items) for one relation."""
        if relation not in self._eras:
            years: dict[str, list[int]] = {}
            counts: Counter[str] = Counter()
            catalog = self.inputs.catalog
            for i, (r, e) in enumerate(self.index.facts):
                if r == relation:
                    counts[e] = self.index.count[i]
            for e in counts:
                years[e] = [y for item in self.inputs.kg.items_with(relation, e) if (y := _year(catalog, item)) is not None]
            self._eras[relation] = {e: (n, statistics.median(years[e]) if years[e] else float("nan")) for e, n in counts.items()}
        return self._eras[relation]

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
