"""MovieLens-1M `movies.dat` → catalog items (users and ratings are read by `rbh.data.load_users`
and `rbh.data.load_interactions`).

Files use `::` separators. `movies.dat` is latin-1 in the original release, but copies exist
that were re-encoded with U+FFFD in place of lost characters: each line is decoded as UTF-8 and,
failing that, as latin-1, so both read cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rbh import DataError, Item
from rbh.data import move_trailing_article, read_dat_lines

_YEAR_RE = re.compile(r"\s*\((\d{4})\)\s*$")
_ALT_RE = re.compile(r"^(?P<main>.+?)\s*\((?P<alt>[^()]+)\)\s*$")
_AKA_RE = re.compile(r"^(?:a\.k\.a\.|aka)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class MovieRow:
    """One line of movies.dat."""

    item: Item
    genres: tuple[str, ...]


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
