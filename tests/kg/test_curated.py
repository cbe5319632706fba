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
        assert 2 <= len(kg.entities(item_id, "starring")) <= 8, item_id
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
        ({"starring": ["Al Pacino"]}, r"starring needs 2-8 entries, has 1"),
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


def test_people_have_a_gender() -> None:
    """Everyone a query can hide or misattribute (two or more movie credits, every author) has a
    gender in people.tsv; the file is sorted, one line per person, and names people of the KGs."""
    from rbh_kg.curated import load_people

    people = load_people()
    credits: Counter[str] = Counter()
    movies, kg = load_curated("movie")
    for item in movies.items:
        for relation in ("directed_by", "starring", "written_by", "music_by", "cinematography", "produced_by"):
            credits.update(kg.entities(item, relation))
    books, book_kg = load_curated("book")
    authors = {a for item in books.items for a in book_kg.entities(item, "written_by")}
    needed = {p for p, n in credits.items() if n >= 2} | authors
    assert not sorted(needed - set(people)), "people without a gender"
    assert set(people) <= set(credits) | authors, "people.tsv names someone the KGs do not"
    genders = Counter(p["gender"] for p in people.values())
    assert genders["female"] >= 500 and genders["male"] >= 2000 and genders["unknown"] <= 5, genders
    assert people["Meryl Streep"]["gender"] == "female" and people["Ewan McGregor"]["gender"] == "male"
    assert people["George Eliot"]["gender"] == "female"  # a pen name is not a gender
    lines = [ln for ln in (data_dir() / "people.tsv").read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")][1:]
    assert lines == sorted(lines, key=lambda ln: (ln.split("\t")[0].casefold(), ln))


def test_people_file_errors_name_the_line(tmp_path: Path) -> None:
    from rbh_kg.curated import load_people

    bad = tmp_path / "people.tsv"
    bad.write_text("name\tgender\nAda Lovelace\tfemale\nAda Lovelace\tfemale\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"people.tsv:3: 'Ada Lovelace' is listed twice"):
        load_people(bad)
    bad.write_text("name\tgender\nAda Lovelace\twoman\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"people.tsv:2: expected 'name<TAB>gender'"):
        load_people(bad)


def test_kg_facts_that_misled_are_fixed() -> None:
    """Facts a reader caught: the 1984-2001 Coen films were Joel's alone as director; Pale Fire is a
    novel, not poetry; picture books are tagged so; no book carries the empty "Fiction" tag; a
    book's country is where it was first published (Dahl's Charlie books: the United States)."""
    movies, kg = load_curated("movie")
    fargo = next(i for i, item in movies.items.items() if item.title == "Fargo")
    assert kg.entities(fargo, "directed_by") == ["Joel Coen"]
    hail = next(i for i, item in movies.items.items() if item.title == "Hail, Caesar!")
    assert kg.entities(hail, "directed_by") == ["Ethan Coen", "Joel Coen"]
    books, book_kg = load_curated("book")
    by_title = {item.title: i for i, item in books.items.items()}
    assert book_kg.entities(by_title["Pale Fire"], "genre") == ["Literary Fiction"]
    assert "Picture Book" in book_kg.entities(by_title["The Very Hungry Caterpillar"], "genre")
    assert not book_kg.items_with("genre", "Fiction")
    assert book_kg.entities(by_title["Charlie and the Chocolate Factory"], "country") == ["United States"]


def test_cast_lists_keep_billing_order() -> None:
    """`KG.credits` gives a relation's entities in the order the data lists them (first-billed first)."""
    movies, kg = load_curated("movie")
    matrix = next(i for i, item in movies.items.items() if item.title == "The Matrix")
    assert kg.credits(matrix, "starring")[:2] == ("Keanu Reeves", "Laurence Fishburne")
