"""Real MovieLens interactions: a ratings CSV (ml-latest-small style) or ML-1M `ratings.dat`
→ `Interactions` (`users.dat` → `rbh.data.load_users`), and the catalog of the movies a ratings CSV names.

MovieLens movie ids are shared across releases, so these join with the TML1M catalog
(`rbh_kg.tml1m`, ids = ML-1M ids); `Interactions.restrict(catalog.items)` keeps the overlap.
"""

from __future__ import annotations

from pathlib import Path

from rbh import Catalog, DataError, Item
from rbh.data import Interactions, load_interactions, read_columns, split_movie_title


def load_ratings(path: str | Path) -> Interactions:
    """Interactions from `ratings.dat` (`UserID::MovieID::Rating::Timestamp`) or from a CSV /
    JSONL / parquet file with userId/movieId (or user_id/item_id), rating and timestamp columns."""
    return load_interactions(path)


def ratings_catalog(path: str | Path) -> Catalog:
    """The movies a ratings CSV names (`movieId`, `title`, `year` columns; ml-latest-small)."""
    path = Path(path)
    columns = read_columns(path)
    if "movieId" not in columns or "title" not in columns:
        raise DataError(f"{path}: a ratings catalog needs movieId and title columns")
    years = columns.get("year") or [None] * len(columns["movieId"])
    items: dict[str, Item] = {}
    for item_id, raw_title, raw_year in zip(columns["movieId"], columns["title"], years):
        if item_id in items:
            continue
        title, year_in_title, aliases = split_movie_title(str(raw_title))
        year = int(float(raw_year)) if raw_year not in (None, "", "NA") else year_in_title
        items[item_id] = Item(item_id, title, year, aliases)
    return Catalog(items.values(), domain="movie")
