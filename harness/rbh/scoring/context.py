"""What the samples of one task share: the catalog and item popularity.

The datasets hold no interaction table; every sample's `history` is its user's interactions, so
an item's popularity is the number of samples of the dataset config whose history holds it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.sample import Sample


class TaskContext:
    """The catalog of a task and the popularity of its items, counted over `population` (every
    sample of the task's dataset config, not only the selected ones)."""

    def __init__(self, catalog: "Catalog", population: Sequence["Sample"]):
        self.catalog = catalog
        self.population = population
        self._heads: dict[float, frozenset[str]] = {}
        self.scratch: dict[Any, Any] = {}  # memos task scorers share (exposure counts)

    @cached_property
    def popularity(self) -> dict[str, int]:
        """Item id -> number of samples whose history holds it (items never seen are absent: 0)."""
        return dict(Counter(chain.from_iterable(set(sample.history) for sample in self.population)))

    @cached_property
    def interactions(self) -> int:
        """The sum of all popularity counts."""
        return sum(self.popularity.values())

    @cached_property
    def self_information(self) -> dict[str, float]:
        """Item id -> -log2((popularity + 1) / (N + 1)) for the items in the population's
        histories (N samples); an item never seen has -log2(1 / (N + 1))."""
        total = len(self.population) + 1
        return {item: -math.log2((count + 1) / total) for item, count in self.popularity.items()}

    def head(self, share: float = 0.8) -> frozenset[str]:
        """The most popular items that together hold `share` of all interactions (ties by id)."""
        if share not in self._heads:
            ranked = sorted(self.popularity.items(), key=lambda kv: (-kv[1], kv[0]))
            head: list[str] = []
            total, need = 0, share * self.interactions
            for item, count in ranked:
                if total >= need:
                    break
                head.append(item)
                total += count
            self._heads[share] = frozenset(head)
        return self._heads[share]
