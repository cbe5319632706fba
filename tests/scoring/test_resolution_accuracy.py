"""Resolution accuracy on real data (docs/design.md §8.2): the LLM-written ground-truth titles of the
official demographics file against the ML-1M catalog, and a negative set of real post-2000 films."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from rbh.data import read_movies
from rbh.data.catalog import Catalog, Item
from rbh.data.normalize import split_year, title_key, title_variants

NEGATIVES = Path(__file__).with_name("negative_titles.txt")


@pytest.fixture(scope="module")
def ml1m(request: pytest.FixtureRequest) -> tuple[Catalog, Path]:
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    movie = SHARED_DATA / "recbench-plus" / "movie"
    return Catalog((r.item for r in read_movies(movie / "movies.dat")), domain="movie"), movie


def expected_id(title: str, candidates: list[Item]) -> str:
    """The top-10 item a ground-truth title names: the best raw similarity over spellings."""
    name, _ = split_year(title)
    spellings = [name, *title_variants(name)]

    def similarity(item: Item) -> float:
        return max(fuzz.ratio(title_key(s), title_key(t)) for s in spellings for t in (item.title, *item.aliases))

    return max(candidates, key=similarity).id


def test_ground_truth_titles_resolve_to_the_right_ml1m_ids(ml1m: tuple[Catalog, Path]) -> None:
    catalog, movie = ml1m
    records = json.loads((movie / "DemographicsBasedQuery.json").read_text(encoding="utf-8"))
    total = correct = 0
    wrong = []
    for record in records:
        top10 = [catalog[str(m)] for m, _ in record["top_10_movies"]]
        for entry in record["query & ground true"]:
            for title in entry.get("movie subset", []):
                name, year = split_year(title)
                got = catalog.resolve(name, year).item_id
                total += 1
                if got == expected_id(title, top10):
                    correct += 1
                else:
                    wrong.append((title, got))
    accuracy = correct / total
    print(f"\nresolution accuracy: {correct}/{total} = {accuracy:.2%} ground-truth titles resolved to the right ML-1M id")
    assert total == 848
    assert accuracy >= 0.98, wrong[:20]


def test_negative_titles_do_not_resolve(ml1m: tuple[Catalog, Path]) -> None:
    catalog, _ = ml1m
    lines = [ln.strip() for ln in NEGATIVES.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    keys = {title_key(i.title) for i in catalog.items.values()} | {title_key(a) for i in catalog.items.values() for a in i.aliases}
    assert len(lines) >= 150
    assert not [ln for ln in lines if title_key(split_year(ln)[0]) in keys], "a negative title exists in ML-1M"
    false_matches = []
    for line in lines:
        name, year = split_year(line)
        for hint in (year, None):  # with and without the year hint (LLMs often omit it)
            got = catalog.resolve(name, hint).item_id
            if got is not None:
                false_matches.append((line, hint, catalog[got].display))
    rate = len(false_matches) / (2 * len(lines))
    print(f"\nnegative set: {len(false_matches)}/{2 * len(lines)} = {rate:.2%} false matches ({len(lines)} films x with/without year)")
    assert rate <= 0.01, false_matches
