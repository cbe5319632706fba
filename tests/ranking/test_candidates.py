"""Candidate lists of rank tasks on rbh-default: what each negative strategy draws, what a negative
never is, determinism, and the three orders of a position probe."""

from __future__ import annotations

from pathlib import Path
from statistics import mean

import pytest

from rbh.data import request_conditions
from rbh.data.dataset import BenchmarkDataset, load_dataset
from rbh.data.sample import Sample
from rbh.ranking.candidates import CandidateBuilder
from rbh.tasks.config import CandidatesConfig
from tests.generator.test_default_dataset import _folder


@pytest.fixture(scope="module")
def bench(default_cache: Path) -> BenchmarkDataset:
    return load_dataset(str(_folder(default_cache)))


def _builder(bench: BenchmarkDataset, config: str, **options: object) -> tuple[CandidateBuilder, list[Sample]]:
    domain = config.split("_")[0]
    population = bench.samples(config, "test")
    return CandidateBuilder(CandidatesConfig(**options), bench.catalog(domain), bench.kg(domain), population), population[:40]  # type: ignore[arg-type]


def _holds(builder: CandidateBuilder, item: str, sample: Sample) -> list[bool]:
    return [item in builder.holding(c) for c in request_conditions(sample)]


@pytest.mark.parametrize("strategy", ["random", "popular", "bm25", "kg"])
@pytest.mark.parametrize("config", ["movie_explicit", "movie_interest", "book_misinformed", "book_demographics"])
def test_a_list_holds_one_positive_and_negatives_the_request_does_not_ask_for(bench: BenchmarkDataset, strategy: str, config: str) -> None:
    builder, samples = _builder(bench, config, strategy=strategy)
    for original in samples:
        built = builder.build(original)
        assert len(built.candidates) == 20 and len(set(built.candidates)) == 20
        assert len(built.ground_truth) == 1 and built.ground_truth[0] in original.ground_truth
        assert built.ground_truth[0] in built.candidates
        for item in set(built.candidates) - set(built.ground_truth):
            assert item not in original.ground_truth and item not in original.history
            assert not all(_holds(builder, item, original)), f"{item} holds every condition of {original.id}"
        assert built.id == original.id and built.query == original.query


def test_lists_are_seeded_and_orders_hold_the_same_items(bench: BenchmarkDataset) -> None:
    first, samples = _builder(bench, "movie_implicit", strategy="kg")
    again, _ = _builder(bench, "movie_implicit", strategy="kg")
    other, _ = _builder(bench, "movie_implicit", strategy="kg", seed=1)
    reversed_, _ = _builder(bench, "movie_implicit", strategy="kg", order="reversed")
    shuffled, _ = _builder(bench, "movie_implicit", strategy="kg", order="shuffled")
    moved = 0
    for s in samples:
        given = first.build(s).candidates
        assert again.build(s).candidates == given
        assert reversed_.build(s).candidates == given[::-1]
        mixed = shuffled.build(s).candidates
        assert sorted(mixed) == sorted(given)
        moved += mixed != given
        assert other.build(s) != first.build(s) or len(s.ground_truth) == 1
    assert moved == len(samples)


def test_all_positives_on_request(bench: BenchmarkDataset) -> None:
    builder, samples = _builder(bench, "movie_explicit", positives="all", negatives=9)
    for s in samples:
        built = builder.build(s)
        assert set(built.ground_truth) == set(s.ground_truth) and len(built.candidates) == len(set(s.ground_truth)) + 9


def test_kg_negatives_hold_all_conditions_but_one(bench: BenchmarkDataset) -> None:
    builder, samples = _builder(bench, "movie_explicit", strategy="kg")
    several = [s for s in samples if len(s.conditions) >= 2]
    assert len(several) >= 10
    shares = []
    for s in several:
        negatives = [i for i in builder.build(s).candidates if i not in s.ground_truth]
        shares.append(mean(sum(_holds(builder, i, s)) == len(s.conditions) - 1 for i in negatives))
    assert mean(shares) > 0.9, "nearly every kg negative misses exactly one condition"
    random_builder, _ = _builder(bench, "movie_explicit", strategy="random")
    random_shares = [
        mean(
            sum(_holds(random_builder, i, s)) == len(s.conditions) - 1
            for i in random_builder.build(s).candidates
            if i not in s.ground_truth
        )
        for s in several
    ]
    assert mean(random_shares) < 0.5


def test_bm25_negatives_are_close_to_the_query_and_popular_ones_popular(bench: BenchmarkDataset) -> None:
    bm25, samples = _builder(bench, "book_explicit", strategy="bm25")
    random_builder, _ = _builder(bench, "book_explicit", strategy="random")
    popular, _ = _builder(bench, "book_explicit", strategy="popular")
    index = bm25.bm25()

    def lexical(builder: CandidateBuilder) -> float:
        values = []
        for s in samples:
            scores = dict(index.scored(s.query, len(index.ids)))
            values += [scores.get(i, 0.0) for i in builder.build(s).candidates if i not in s.ground_truth]
        return mean(values)

    def popularity(builder: CandidateBuilder) -> float:
        return mean(builder.popularity.get(i, 0) for s in samples for i in builder.build(s).candidates if i not in s.ground_truth)

    assert lexical(bm25) > 3 * lexical(random_builder)
    assert popularity(popular) > 2 * popularity(random_builder), "drawn in proportion to popularity"


def test_lists_are_the_same_in_another_process(bench: BenchmarkDataset, default_cache: Path) -> None:
    """String hashing differs between processes (PYTHONHASHSEED): no draw may follow a set's order."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from rbh.data.dataset import load_dataset\n"
        "from rbh.ranking.candidates import CandidateBuilder\n"
        "from rbh.tasks.config import CandidatesConfig\n"
        "bench = load_dataset(sys.argv[1])\n"
        "out = {}\n"
        "for strategy in ('random', 'popular', 'bm25', 'kg'):\n"
        "    population = bench.samples('book_implicit', 'test')\n"
        "    b = CandidateBuilder(CandidatesConfig(strategy=strategy), bench.catalog('book'), bench.kg('book'), population)\n"
        "    out[strategy] = [list(b.build(s).candidates) for s in population[:15]]\n"
        "print(json.dumps(out))\n"
    )
    lists = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(_folder(default_cache))], env=env, capture_output=True, text=True, check=True
        )
        lists.append(json.loads(done.stdout))
    assert lists[0] == lists[1]
