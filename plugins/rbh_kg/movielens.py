"""MovieLens-1M `.dat` readers: movies (→ catalog items), users (→ demographics), ratings.

Files use `::` separators. `movies.dat` is latin-1 in the original release, but copies exist
that were re-encoded with U+FFFD in place of lost characters: each line is decoded as UTF-8 and,
failing that, as latin-1, so both read cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rbh.data.catalog import Item
from rbh.data.interactions import read_dat_lines
from rbh.data.normalize import move_trailing_article
from rbh.errors import DataError

AGES = {"1": "Under 18", "18": "18-24", "25": "25-34", "35": "35-44", "45": "45-49", "50": "50-55", "56": "56+"}
OCCUPATIONS = (
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
GENDERS = {"M": "Male", "F": "Female"}

_YEAR_RE = re.compile(r"\s*\((\d{4})\)\s*$")
_ALT_RE = re.compile(r"^(?P<main>.+?)\s*\((?P<alt>[^()]+)\)\s*$")
_AKA_RE = re.compile(r"^(?:a\.k\.a\.|aka)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class MovieRow:
    """One line of movies.dat."""

    item: Item
    genres: tuple[str, ...]


@dataclass(frozen=True)
class UserRow:
    """One line of users.dat with readable demographics."""

    user_id: str
    gender: str
    age: str
    occupation: str
    zip_code: str


def read_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Non-empty lines split on '::', with their line numbers (UTF-8, else latin-1 per line)."""
    return read_dat_lines(path)


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
    for lineno, parts in read_lines(path):
        if len(parts) < 2 or not parts[0].strip().isdigit():
            raise DataError(f"{path}:{lineno}: expected 'MovieID::Title (Year)::Genres'")
        title, year, aliases = split_movie_title(parts[1])
        genres = tuple(g for g in (parts[2].split("|") if len(parts) > 2 else []) if g.strip())
        rows.append(MovieRow(Item(parts[0].strip(), title, year, aliases), genres))
    return rows


def read_users(path: Path) -> list[UserRow]:
    """users.dat → users with readable age bucket, gender and occupation."""
    users = []
    for lineno, parts in read_lines(path):
        if len(parts) < 4:
            raise DataError(f"{path}:{lineno}: expected 'UserID::Gender::Age::Occupation::Zip'")
        try:
            occupation = OCCUPATIONS[int(parts[3])]
        except (ValueError, IndexError):
            raise DataError(f"{path}:{lineno}: unknown occupation code {parts[3]!r}") from None
        users.append(
            UserRow(parts[0], GENDERS.get(parts[1], parts[1]), AGES.get(parts[2], parts[2]), occupation, parts[4] if len(parts) > 4 else "")
        )
    return users


def read_ratings(path: Path) -> Iterator[tuple[str, str, float, int]]:
    """ratings.dat → (user_id, item_id, rating, timestamp)."""
    for lineno, parts in read_lines(path):
        if len(parts) < 4:
            raise DataError(f"{path}:{lineno}: expected 'UserID::MovieID::Rating::Timestamp'")
        try:
            yield parts[0], parts[1], float(parts[2]), int(parts[3])
        except ValueError:
            raise DataError(f"{path}:{lineno}: rating and timestamp must be numbers") from None
