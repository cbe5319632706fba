"""Real-data loaders on ../shared/data (skips without it): TML1M → catalog + KG, ml-latest-small
ratings → interactions, ML-1M users.dat → users."""

from __future__ import annotations

from pathlib import Path

import pytest

from rbh.data import load_users
from rbh.errors import DataError
from rbh_kg.curated import CatalogKG
from rbh_kg.ratings import load_ratings, ratings_catalog
from rbh_kg.tml1m import load_tml1m, repair_ids
from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def tml1m() -> CatalogKG:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return load_tml1m(SHARED_DATA / "tml1m" / "movies.csv")


@pytest.mark.shared_data
def test_tml1m_catalog_and_kg(tml1m: CatalogKG) -> None:
    catalog, kg = tml1m
    assert len(catalog) == 3883
    assert {"directed_by", "starring", "genre", "language", "release_year"} == set(kg.relations())
    toy = catalog["1"]
    assert (toy.title, toy.year) == ("Toy Story", 1995)
    assert kg.entities("1", "directed_by") == ["John Lasseter"] and "Tom Hanks" in kg.entities("1", "starring")
    assert catalog["2"].title == "Jumanji" and kg.entities("2", "language") == ["English", "French"]
    usual = next(i for i in catalog.items.values() if i.title == "The Usual Suspects")
    assert "Usual Suspects, The" in usual.aliases
    # rows with a wrong Url keep their ML-1M id (repaired from their neighbours)
    assert catalog["2228"].title == "The Mountain Eagle" and catalog["811"].title == "Der Bewegte Mann"
    assert len(kg.items_with("directed_by", "Alfred Hitchcock")) >= 20


@pytest.mark.shared_data
def test_ml_latest_small_ratings(shared_data: Path, tml1m: CatalogKG) -> None:
    catalog = tml1m.catalog
    path = shared_data / "ml-latest-small" / "ratings.csv"
    interactions = load_ratings(path)
    assert len(interactions) == 100_004 and len(interactions.user_ids()) == 671
    assert len(interactions.item_ids()) == 9_066
    assert len(interactions.item_ids() & set(catalog.items)) == 3_161
    history = interactions.of("1")
    assert [i.timestamp for i in history] == sorted(i.timestamp for i in history)
    on_ml1m = interactions.restrict(catalog.items)
    assert 0 < len(on_ml1m) < len(interactions) and on_ml1m.item_ids() <= set(catalog.items)
    assert len(ratings_catalog(path)) == 9_066


@pytest.mark.shared_data
def test_ml1m_users(shared_data: Path) -> None:
    users = load_users(shared_data / "recbench-plus" / "movie" / "users.dat")
    assert len(users) == 6040
    assert users["1"].group() == {"age": "Under 18", "gender": "Female", "occupation": "K-12 student"}


def test_repair_ids() -> None:
    assert repair_ids([1, 2, None, 4, 99, 6, 7]) == [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(ValueError, match="line 4"):
        repair_ids([1, 2, None, 9])


def test_tml1m_rejects_other_csv(tmp_path: Path) -> None:
    path = tmp_path / "movies.csv"
    path.write_text("MovieID,Title\n1,Heat\n")
    with pytest.raises(DataError, match="not a TML1M movies.csv"):
        load_tml1m(path)
