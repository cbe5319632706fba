"""The shipped curated KGs: sizes, relations, cardinalities, shared entities, validation."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from rbh.errors import DataError
from rbh_kg.curated import RELATIONS, data_dir, load_curated


def entity_counts(domain: str, relation: str) -> Counter[str]:
    catalog, kg = load_curated(domain)
    return Counter(e for item in catalog.items for e in kg.entities(item, relation))


def test_sizes_and_relations() -> None:
    movies, movie_kg = load_curated("movie")
    books, book_kg = load_curated("book")
    print(f"\ncurated KG: {len(movies)} movies / {len(movie_kg)} triples, {len(books)} books / {len(book_kg)} triples")
    assert len(movies) >= 800 and len(books) >= 500
    assert set(movie_kg.relations()) == set(RELATIONS["movie"])
    assert set(book_kg.relations()) == set(RELATIONS["book"])
    assert all(item.id in movie_kg for item in movies.items.values())
    for domain, catalog in (("movie", movies), ("book", books)):  # one item per non-empty line: ids unique
        lines = [ln for f in sorted((data_dir() / domain).glob("*.jsonl")) for ln in f.read_text().splitlines() if ln.strip()]
        assert len(lines) == len(catalog)


def test_movie_cardinalities_and_years() -> None:
    movies, kg = load_curated("movie")
    for item_id, item in movies.items.items():
        assert 2 <= len(kg.entities(item_id, "starring")) <= 5, item_id
        assert 1 <= len(kg.entities(item_id, "genre")) <= 3, item_id
        assert kg.entities(item_id, "directed_by"), item_id
        assert kg.entities(item_id, "release_year") == [str(item.year)]
    decades = {item.year // 10 * 10 for item in movies.items.values()}
    assert {1920, 1950, 1990} <= decades
    assert len([i for i in movies.items.values() if 1990 <= (i.year or 0) < 2000]) >= 200  # the ML-1M era


def test_books_have_authors_and_years() -> None:
    books, kg = load_curated("book")
    for item_id, item in books.items.items():
        assert kg.entities(item_id, "written_by"), item_id
        assert 1 <= len(kg.entities(item_id, "genre")) <= 3, item_id
        assert kg.entities(item_id, "publication_year") == [str(item.year)]


def test_shared_entities() -> None:
    """Enough shared people and series that conditions combine."""
    movies, kg = load_curated("movie")
    directors = entity_counts("movie", "directed_by")
    actor_directors: dict[str, set[str]] = defaultdict(set)
    for item in movies.items:
        for actor in kg.entities(item, "starring"):
            actor_directors[actor].update(kg.entities(item, "directed_by"))
    stats = {
        "directors with >= 3 films": sum(n >= 3 for n in directors.values()),
        "actors across >= 2 directors": sum(len(d) >= 2 for d in actor_directors.values()),
        "composers on >= 2 films": sum(n >= 2 for n in entity_counts("movie", "music_by").values()),
        "cinematographers on >= 2 films": sum(n >= 2 for n in entity_counts("movie", "cinematography").values()),
        "authors with >= 2 books": sum(n >= 2 for n in entity_counts("book", "written_by").values()),
        "series with >= 2 books": sum(n >= 2 for n in entity_counts("book", "series").values()),
    }
    print("\n" + "\n".join(f"{k}: {v}" for k, v in stats.items()))
    assert stats["directors with >= 3 films"] >= 60
    assert stats["actors across >= 2 directors"] >= 300
    assert stats["composers on >= 2 films"] >= 60
    assert stats["cinematographers on >= 2 films"] >= 60
    assert stats["authors with >= 2 books"] >= 80
    assert stats["series with >= 2 books"] >= 30


def test_data_dir_is_the_shipped_folder() -> None:
    root = data_dir()
    assert (root / "movie").is_dir() and (root / "book").is_dir() and (root / "README.md").is_file()


MOVIE = {
    "id": "heat-1995",
    "title": "Heat",
    "year": 1995,
    "aliases": [],
    "directed_by": ["Michael Mann"],
    "starring": ["Al Pacino", "Robert De Niro"],
    "written_by": [],
    "music_by": [],
    "cinematography": [],
    "produced_by": [],
    "genre": ["Crime"],
    "country": ["United States"],
    "language": ["English"],
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"starring": ["Al Pacino"]}, r"starring needs 2-5 entries, has 1"),
        ({"genre": ["Noir"]}, r"unknown genre 'Noir'"),
        ({"year": "1995"}, r"'year' must be a four-digit integer"),
        ({"directed_by": "Michael Mann"}, r"'directed_by' must be a list"),
        ({"budget": 60}, r"unknown key\(s\) budget"),
    ],
)
def test_validation_names_file_and_line(tmp_path: Path, change: dict, message: str) -> None:
    folder = tmp_path / "movie"
    folder.mkdir()
    good = dict(MOVIE, id="ronin-1998", title="Ronin", year=1998)
    (folder / "a.jsonl").write_text(json.dumps(good) + "\n" + json.dumps({**MOVIE, **change}) + "\n")
    with pytest.raises(DataError, match=rf"a\.jsonl:2: .*{message}"):
        load_curated("movie", root=tmp_path)


def test_duplicate_ids_and_broken_json(tmp_path: Path) -> None:
    folder = tmp_path / "movie"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(MOVIE) + "\n")
    (folder / "b.jsonl").write_text("\n" + json.dumps(MOVIE) + "\n")
    with pytest.raises(DataError, match=r"b\.jsonl:2: duplicate id 'heat-1995' \(first at .*a\.jsonl:1\)"):
        load_curated("movie", root=tmp_path)
    (folder / "b.jsonl").write_text('{"id": \n')
    with pytest.raises(DataError, match=r"b\.jsonl:1: invalid JSON"):
        load_curated("movie", root=tmp_path)
    with pytest.raises(DataError, match="unknown curated domain"):
        load_curated("music", root=tmp_path)
