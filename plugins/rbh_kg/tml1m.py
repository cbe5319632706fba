"""TML1M `movies.csv` (MovieLens-1M attributes scraped from movielens.org) → catalog + KG.

Relations: directed_by, starring (top-5 cast), genre, language, release_year. The item id is the
original ML-1M id, the number at the end of the `Url` column (the `MovieID` column is renumbered),
so the catalog joins with ML-1M ratings and the official RecBench+ files. Rows follow ML-1M id
order; a few Urls are wrong (an IMDb link, a neighbour's id), and those ids are repaired from the
neighbouring rows (`repair_ids`). Titles are MovieLens
spellings ("Usual Suspects, The"), turned to natural order with the MovieLens form kept as alias.
Languages are written in their own names in TML1M ("Français") and mapped to English names.
"""

from __future__ import annotations

import csv
from pathlib import Path

from rbh import KG, Catalog, DataError, Item, Triple
from rbh.data import split_movie_title
from rbh_kg.curated import CatalogKG

COLUMNS = ("Title", "Year", "Genre", "Director", "Cast", "Languages", "Url")
LANGUAGE_NAMES = {
    "Français": "French",
    "Español": "Spanish",
    "Italiano": "Italian",
    "Deutsch": "German",
    "Pусский": "Russian",
    "日本語": "Japanese",
    "普通话": "Mandarin",
    "广州话 / 廣州話": "Cantonese",
    "Português": "Portuguese",
    "العربية": "Arabic",
    "Magyar": "Hungarian",
    "Polski": "Polish",
    "svenska": "Swedish",
    "Tiếng Việt": "Vietnamese",
    "עִבְרִית": "Hebrew",
    "ελληνικά": "Greek",
    "Nederlands": "Dutch",
    "Gaeilge": "Irish",
    "Český": "Czech",
    "한국어/조선말": "Korean",
    "हिन्दी": "Hindi",
    "Srpski": "Serbian",
    "فارسی": "Persian",
    "Norsk": "Norwegian",
    "Türkçe": "Turkish",
    "Dansk": "Danish",
    "ภาษาไทย": "Thai",
    "Kiswahili": "Swahili",
    "Bosanski": "Bosnian",
    "Hrvatski": "Croatian",
    "Română": "Romanian",
    "shqip": "Albanian",
    "Cymraeg": "Welsh",
    "Català": "Catalan",
    "български език": "Bulgarian",
    "اردو": "Urdu",
    "Bahasa melayu": "Malay",
    "Íslenska": "Icelandic",
    "বাংলা": "Bengali",
    "suomi": "Finnish",
    "ਪੰਜਾਬੀ": "Punjabi",
    "Bahasa indonesia": "Indonesian",
    "Український": "Ukrainian",
    "ქართული": "Georgian",
    "Latviešu": "Latvian",
    "Slovenščina": "Slovenian",
    "Slovenčina": "Slovak",
    "Bokmål": "Norwegian",
}
NO_LANGUAGE = "No Language"


def load_tml1m(path: str | Path) -> CatalogKG:
    """Catalog + KG of all movies in a TML1M movies.csv (3,883 for the full file)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise DataError(f"{path}: not a TML1M movies.csv (missing column {missing[0]!r})")
        rows = list(reader)
    try:
        ids = repair_ids([url_id(row["Url"]) for row in rows])
    except ValueError as exc:
        raise DataError(f"{path}: {exc}") from None
    items: list[Item] = []
    triples: list[Triple] = []
    for item_id, row in zip(ids, rows):
        title, _, aliases = split_movie_title(row["Title"])
        year = int(float(row["Year"])) if row["Year"].strip() else None
        items.append(Item(str(item_id), title, year, aliases))
        triples.extend(movie_triples(str(item_id), row, year))
    return CatalogKG(Catalog(items, domain="movie"), KG(triples))


def url_id(url: str) -> int | None:
    """The ML-1M id at the end of a movielens.org Url (None for any other link)."""
    if "movielens.org/movies/" not in url:
        return None
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def repair_ids(ids: list[int | None]) -> list[int]:
    """Ids of rows in increasing ML-1M order: an id out of order with its neighbours (or missing)
    is replaced by the single id its neighbours leave free; raises ValueError when none is."""
    fixed: list[int] = []
    for i, raw in enumerate(ids):
        prev = fixed[-1] if fixed else 0
        nxt = next((x for x in ids[i + 1 : i + 2] if x is not None), None)
        if raw is not None and raw > prev and (nxt is None or raw < nxt):
            fixed.append(raw)
        elif nxt is not None and nxt - prev == 2:
            fixed.append(prev + 1)
        else:
            raise ValueError(f"line {i + 2}: cannot tell the ML-1M id (Url id {raw}, neighbours {prev} and {nxt})")
    return fixed


def movie_triples(item_id: str, row: dict[str, str], year: int | None) -> list[Triple]:
    """The facts of one TML1M row."""
    facts = [("directed_by", e) for e in _split(row["Director"], ",")]
    facts += [("starring", e) for e in _split(row["Cast"], ",")]
    facts += [("genre", e) for e in _split(row["Genre"], "|")]
    facts += [("language", LANGUAGE_NAMES.get(e, e)) for e in _split(row["Languages"], ",") if e != NO_LANGUAGE]
    if year is not None:
        facts.append(("release_year", str(year)))
    return [Triple(item_id, relation, entity) for relation, entity in facts]


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in (text or "").split(sep) if part.strip()]
