"""The curated movie and book KGs shipped in `rbh_kg/data/` (format: data/README.md) → catalog + KG.

Every `*.jsonl` file of a domain folder is read in name order; each line is one item. A malformed
line raises one `DataError` naming file:line. The year becomes `release_year` (movies) or
`publication_year` (books) as a string.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from rbh import KG, Catalog, DataError, Item, Triple
from rbh.data import parse_json_object

DOMAINS = ("movie", "book")
LIST_RELATIONS: dict[str, tuple[str, ...]] = {
    "movie": ("directed_by", "starring", "written_by", "music_by", "cinematography", "produced_by", "genre", "country", "language"),
    "book": ("written_by", "genre", "series", "publisher", "country", "language"),
}
YEAR_RELATION = {"movie": "release_year", "book": "publication_year"}
RELATIONS: dict[str, tuple[str, ...]] = {d: LIST_RELATIONS[d] + (YEAR_RELATION[d],) for d in DOMAINS}
# (min, max) number of entities per relation; relations not listed may be empty.
CARDINALITY: dict[str, dict[str, tuple[int, int]]] = {
    "movie": {"directed_by": (1, 10), "starring": (2, 8), "genre": (1, 3), "country": (1, 10), "language": (1, 10)},
    "book": {"written_by": (1, 10), "genre": (1, 3)},
}
GENRES: dict[str, frozenset[str]] = {
    "movie": frozenset(
        {
            "Action",
            "Adventure",
            "Animation",
            "Children's",
            "Comedy",
            "Crime",
            "Documentary",
            "Drama",
            "Fantasy",
            "Film-Noir",
            "Horror",
            "Musical",
            "Mystery",
            "Romance",
            "Sci-Fi",
            "Thriller",
            "War",
            "Western",
        }
    ),
    "book": frozenset(
        {
            "Literary Fiction",
            "Classic",
            "Fantasy",
            "Science Fiction",
            "Mystery",
            "Thriller",
            "Horror",
            "Romance",
            "Historical Fiction",
            "Adventure",
            "Children's",
            "Young Adult",
            "Dystopian",
            "Satire",
            "Poetry",
            "Drama",
            "Biography",
            "Memoir",
            "History",
            "Science",
            "Philosophy",
            "Self-Help",
            "Nonfiction",
            "Graphic Novel",
            "Short Stories",
            "Picture Book",
        }
    ),
}
ITEM_KEYS = ("id", "title", "year", "aliases")


class CatalogKG(NamedTuple):
    """One domain's items and facts."""

    catalog: Catalog
    kg: KG


def data_dir() -> Path:
    """The folder holding the shipped curated data (`movie/`, `book/`, `movie_exceptions.tsv`)."""
    return Path(__file__).resolve().parent / "data"


def load_curated(domain: str, root: Path | None = None) -> CatalogKG:
    """Catalog + KG of the shipped (or `root`'s) curated data for `domain` ("movie" or "book")."""
    return _load(domain, (root or data_dir()).resolve())


@lru_cache(maxsize=8)
def _load(domain: str, root: Path) -> CatalogKG:
    if domain not in DOMAINS:
        raise DataError(f"unknown curated domain {domain!r} (expected one of {', '.join(DOMAINS)})")
    files = sorted((root / domain).glob("*.jsonl"))
    if not files:
        raise DataError(f"no curated {domain} files (*.jsonl) in {root / domain}")
    items: list[Item] = []
    triples: list[Triple] = []
    seen: dict[str, str] = {}
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                item, facts = parse_line(domain, line, where)
                if item.id in seen:
                    raise DataError(f"{where}: duplicate id {item.id!r} (first at {seen[item.id]})")
                seen[item.id] = where
                items.append(item)
                triples.extend(facts)
    return CatalogKG(Catalog(items, domain=domain), KG(triples))


PEOPLE_FILE = "people.tsv"
GENDERS = ("female", "male", "unknown")


def load_people(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Person → attributes (`gender`) from a people table in the curated format (data/README.md;
    default: the shipped `people.tsv`)."""
    return dict(_people((path or data_dir() / PEOPLE_FILE).resolve()))


@lru_cache(maxsize=4)
def _people(path: Path) -> tuple[tuple[str, dict[str, str]], ...]:
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    rows: dict[str, dict[str, str]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line == "name\tgender":
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not cols[0].strip() or cols[1] not in GENDERS:
            raise DataError(f"{path}:{lineno}: expected 'name<TAB>gender' with gender one of {', '.join(GENDERS)}")
        if cols[0] in rows:
            raise DataError(f"{path}:{lineno}: {cols[0]!r} is listed twice")
        rows[cols[0]] = {"gender": cols[1]}
    return tuple(rows.items())


def parse_line(domain: str, line: str, where: str) -> tuple[Item, list[Triple]]:
    """One JSONL line → item + triples, validated; errors are one line naming `where`."""
    row = parse_json_object(line, where)
    unknown = sorted(set(row) - set(ITEM_KEYS) - set(LIST_RELATIONS[domain]))
    if unknown:
        raise DataError(f"{where}: unknown key(s) {', '.join(unknown)}")
    item_id, title, year = row.get("id"), row.get("title"), row.get("year")
    if not isinstance(item_id, str) or not item_id.strip():
        raise DataError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(title, str) or not title.strip():
        raise DataError(f"{where}: {item_id}: 'title' must be a non-empty string")
    if not isinstance(year, int) or not 1000 <= year <= 2100:
        raise DataError(f"{where}: {item_id}: 'year' must be a four-digit integer")
    aliases = _strings(row, "aliases", where, item_id)
    triples = [Triple(item_id, YEAR_RELATION[domain], str(year))]
    for relation in LIST_RELATIONS[domain]:
        entities = _strings(row, relation, where, item_id)
        low, high = CARDINALITY[domain].get(relation, (0, 1000))
        if not low <= len(entities) <= high:
            raise DataError(f"{where}: {item_id}: {relation} needs {low}-{high} entries, has {len(entities)}")
        if len(set(entities)) != len(entities):
            raise DataError(f"{where}: {item_id}: {relation} lists an entity twice")
        if relation == "genre":
            bad = [g for g in entities if g not in GENRES[domain]]
            if bad:
                raise DataError(f"{where}: {item_id}: unknown genre {bad[0]!r}")
        triples.extend(Triple(item_id, relation, e) for e in entities)
    return Item(item_id, title.strip(), year, tuple(aliases)), triples


def _strings(row: dict[str, Any], key: str, where: str, item_id: str) -> list[str]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() == v and v for v in value):
        raise DataError(f"{where}: {item_id}: {key!r} must be a list of non-empty, trimmed strings")
    return value
