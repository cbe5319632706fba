"""MovieLens-1M: its demographic codes (`AGE_BUCKETS`, `GENDERS`, `OCCUPATIONS` and their
parsers, which `User` uses) and `movies.dat` as catalog items (`read_movies`, with its title
convention "Breakfast Club, The (1985)" read by `split_movie_title`). Users and ratings are read
by `rbh.data.load_users` and `rbh.data.load_interactions`.

`.dat` files use `::` separators. `movies.dat` is latin-1 in the original release, but copies
exist that were re-encoded with U+FFFD in place of lost characters: each line is decoded as UTF-8
and, failing that, as latin-1, so both read cleanly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rbh.data.catalog import Item
from rbh.data.normalize import move_trailing_article
from rbh.data.tables import read_dat_lines
from rbh.errors import DataError

AGE_BUCKETS: dict[int, str] = {
    1: "Under 18",
    18: "18-24",
    25: "25-34",
    35: "35-44",
    45: "45-49",
    50: "50-55",
    56: "56+",
}
GENDERS: dict[str, str] = {"M": "Male", "F": "Female"}
OCCUPATIONS: tuple[str, ...] = (  # ML-1M occupation codes 0..20, in code order
    "other",
    "academic/educator",
    "artist",
    "clerical/admin",
    "college/grad student",
    "customer service",
    "doctor/health care",
    "executive/managerial",
    "farmer",
    "homemaker",
    "K-12 student",
    "lawyer",
    "programmer",
    "retired",
    "sales/marketing",
    "scientist",
    "self-employed",
    "technician/engineer",
    "tradesman/craftsman",
    "unemployed",
    "writer",
)


def parse_age(value: Any) -> int:
    """An ML-1M age bucket code from a code or a label."""
    labels = {label.casefold(): code for code, label in AGE_BUCKETS.items()}
    text = str(value).strip()
    if text.casefold() in labels:
        return labels[text.casefold()]
    try:
        return int(float(text))
    except ValueError:
        raise ValueError(f"unknown age {value!r}") from None


def parse_gender(value: Any) -> str:
    text = str(value).strip()
    return {"male": "M", "female": "F"}.get(text.casefold(), text.upper())


def parse_occupation(value: Any) -> str:
    text = str(value).strip()
    if text.isdigit() and int(text) < len(OCCUPATIONS):
        return OCCUPATIONS[int(text)]
    by_fold = {o.casefold(): o for o in OCCUPATIONS}
    return by_fold.get(text.casefold(), text)


_YEAR_RE = re.compile(r"\s*\((\d{4})\)\s*$")
_ALT_RE = re.compile(r"^(?P<main>.+?)\s*\((?P<alt>[^()]+)\)\s*$")
_AKA_RE = re.compile(r"^(?:a\.k\.a\.|aka)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class MovieRow:
    """One line of movies.dat."""

    item: Item
    genres: tuple[str, ...]


def split_movie_title(raw: str) -> tuple[str, int | None, tuple[str, ...]]:
    """'City of Lost Children, The (Cité des enfants perdus, La) (1995)' ->
    ('The City of Lost Children', 1995, ('La Cité des enfants perdus',))."""
    text, year = raw.strip(), None
    match = _YEAR_RE.search(text)
    if match:
        text, year = text[: match.start()].strip(), int(match.group(1))
    aliases: list[str] = []
    alt = _ALT_RE.match(text)
    if alt and not alt.group("main").endswith(","):
        text = alt.group("main").strip()
        aliases.append(move_trailing_article(_AKA_RE.sub("", alt.group("alt").strip())))
    title = move_trailing_article(text)
    if title != text:
        aliases.append(text)  # the MovieLens spelling, "Breakfast Club, The"
    return title, year, tuple(a for a in aliases if a and a != title)


def read_movies(path: Path) -> list[MovieRow]:
    """movies.dat → items (id = MovieLens id) with genres."""
    rows = []
    for lineno, parts in read_dat_lines(path):
        if len(parts) < 2 or not parts[0].strip().isdigit():
            raise DataError(f"{path}:{lineno}: expected 'MovieID::Title (Year)::Genres'")
        title, year, aliases = split_movie_title(parts[1])
        genres = tuple(g for g in (parts[2].split("|") if len(parts) > 2 else []) if g.strip())
        rows.append(MovieRow(Item(parts[0].strip(), title, year, aliases), genres))
    return rows
