"""Candidate lists of `protocol: rank` tasks (docs/tasks.md, "Candidate ranking").

Each sample gets its positives (one ground-truth item drawn with the seed, or all of them) and
`negatives` items drawn by a strategy:

- `random`: uniformly from the catalog;
- `popular`: weighted by popularity (the samples of the task's dataset config and split whose
  history holds the item), so the most popular items are drawn most often;
- `bm25`: the items lexically closest to the query (BM25 of the query against title, year and
  KG entities), the hardest for a reader of words;
- `kg`: the items that hold all of the request's conditions but one (then all but two, ...),
  ties broken by the KG facts they share with the positives: near misses in the graph.

A negative is never ground truth, never in the user's history, and never holds every condition
of the request (for profile requests the theme: genre, decade, ...), so a "negative" the request
asks for cannot slip in. A strategy that runs short fills up with random items. Every draw comes
from a generator seeded by the seed, the sample id and what is drawn (the positives, the
strategy's negatives, the order): the same list in every run, process and shard, and the same
positives whatever the strategy. The given order is a seeded shuffle; `reversed`, `shuffled`,
`positive_first` and `positive_last` reorder it, so the orders of a position probe hold the same
items.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING

from rbh.data.conditions import items_holding, request_conditions
from rbh.data.sample import Condition, Sample

if TYPE_CHECKING:
    from rbh.data.bm25 import BM25Index
    from rbh.data.catalog import Catalog
    from rbh.data.dataset import BenchmarkDataset
    from rbh.data.kg import KG
    from rbh.tasks.config import CandidatesConfig, TaskConfig


def sample_rng(*parts: object) -> random.Random:
    """A generator seeded by a stable hash of `parts` (the same in every process)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


@dataclass
class CandidateBuilder:
    """Builds the candidate list of each sample of one task (its dataset, catalog and KG)."""

    config: "CandidatesConfig"
    catalog: "Catalog"
    kg: "KG"
    population: Sequence[Sample]
    _bm25: "BM25Index | None" = None
    _ids: list[str] | None = None
    _holding: dict[Condition, frozenset[str]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = sorted(self.catalog.items)
        return self._ids

    @cached_property
    def popularity(self) -> dict[str, int]:
        """Item id -> samples of the population whose history holds it (as the popularity metrics count it)."""
        from rbh.scoring.context import TaskContext

        return TaskContext(self.catalog, self.population).popularity

    def bm25(self) -> "BM25Index":
        if self._bm25 is None:
            from rbh.data.bm25 import BM25Index

            self._bm25 = BM25Index(self.catalog, self.kg)
        return self._bm25

    def build(self, sample: Sample) -> Sample:
        """The sample as a rank task shows it: `candidates` in the order shown, `ground_truth`
        the positives among them."""
        config = self.config
        truth = list(dict.fromkeys(g for g in sample.ground_truth if g in self.catalog))
        if config.positives == "all":
            positives = truth
        else:  # the same positives whatever the strategy, so strategies compare on the same items
            positives = sample_rng(config.seed, "positives", sample.id).sample(truth, min(int(config.positives), len(truth)))
        conditions = request_conditions(sample)
        excluded = set(sample.ground_truth) | set(sample.history)
        negatives = self.negatives(sample, positives, conditions, excluded, sample_rng(config.seed, config.strategy, sample.id))
        given = positives + negatives
        sample_rng(config.seed, "given", sample.id).shuffle(given)
        shown = ordered(given, config.order, config.seed, sample.id, set(positives))
        return replace(sample, ground_truth=tuple(positives), candidates=tuple(shown))

    def holding(self, condition: Condition) -> frozenset[str]:
        """The catalog items that hold a condition (looked up once per task)."""
        if condition not in self._holding:
            self._holding[condition] = items_holding(self.catalog, self.kg, condition)
        return self._holding[condition]

    def negatives(
        self, sample: Sample, positives: list[str], conditions: tuple[Condition, ...], excluded: set[str], rng: random.Random
    ) -> list[str]:
        n, strategy = self.config.negatives, self.config.strategy
        held = [self.holding(c) for c in conditions]
        if held:
            excluded = excluded | frozenset.intersection(*held)  # holds every condition: the request asks for it
        if strategy == "popular":
            picked = weighted_draw([i for i in self.ids if i not in excluded], self.popularity, n, rng)
        elif strategy == "bm25":
            picked = [i for i, _ in self.bm25().scored(sample.query, len(self.ids)) if i not in excluded][:n]
        elif strategy == "kg":
            picked = self.near_misses(positives, held, excluded, n, rng)
        else:
            picked = []
        return picked + self.random_fill(n - len(picked), excluded | set(picked), rng)

    def random_fill(self, n: int, excluded: set[str] | frozenset[str], rng: random.Random) -> list[str]:
        """`n` uniformly random catalog items outside `excluded` (fewer when the catalog runs out)."""
        if n <= 0:
            return []
        rest = [i for i in self.ids if i not in excluded]
        return rng.sample(rest, min(n, len(rest)))

    def near_misses(
        self, positives: list[str], held: list[frozenset[str]], excluded: set[str] | frozenset[str], n: int, rng: random.Random
    ) -> list[str]:
        """Items by conditions held (most first: all but one), then by KG facts shared with the
        positives; ties at random. Items holding none and sharing nothing are left to the fill."""
        met = Counter(chain.from_iterable(held))
        shared: Counter[str] = Counter()
        for relation, entity in set(chain.from_iterable(self.kg.facts(p) for p in positives)):
            shared.update(self.kg.items_with(relation, entity))
        near = sorted(i for i in set(met) | set(shared) if i not in excluded and i in self.catalog)  # sorted: not hash order
        scored = [(-met[i], -shared[i], rng.random(), i) for i in near]
        return [item for *_, item in sorted(scored)[:n]]


def weighted_draw(items: Sequence[str], weights: dict[str, int], n: int, rng: random.Random) -> list[str]:
    """`n` items drawn without replacement with probability proportional to weight (items of
    weight 0 never; Efraimidis–Spirakis keys u^(1/w)); `items` in a stable order (a set's order
    changes from process to process, and with it the draw)."""
    keyed = [(rng.random() ** (1.0 / weights[i]), i) for i in items if weights.get(i, 0) > 0]
    return [i for _, i in sorted(keyed, reverse=True)[:n]]


def ordered(given: Sequence[str], order: str, seed: int, sample_id: str, positives: Collection[str] = ()) -> list[str]:
    """The list as shown: as given, reversed, shuffled with its own seeded generator, or with
    the positives moved to the front or the back (the rest as given)."""
    if order in ("positive_first", "positive_last"):
        front = [i for i in given if i in positives]
        rest = [i for i in given if i not in positives]
        return front + rest if order == "positive_first" else rest + front
    if order == "reversed":
        return list(reversed(given))
    if order == "shuffled":
        out = list(given)
        sample_rng(seed, "shuffled", sample_id).shuffle(out)
        return out
    return list(given)


def ranking_samples(task: "TaskConfig", samples: Sequence[Sample], dataset: "BenchmarkDataset") -> Sequence[Sample]:
    """A rank task's samples with their candidate lists (samples that have one already, read back
    from a run folder, are kept as they are); any other task's samples as they are."""
    if not task.ranks_candidates or all(s.candidates for s in samples):
        return samples
    builder = CandidateBuilder(
        task.candidates,
        dataset.catalog(task.domain),
        dataset.kg(task.domain),
        dataset.samples(task.dataset.config, task.dataset.split),
    )
    return [s if s.candidates else builder.build(s) for s in samples]
