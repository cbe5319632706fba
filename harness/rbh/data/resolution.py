"""Title resolution (docs/design.md §8.2): normalized exact key → aliases → fuzzy match, year hint as tie-break.

A `TitleResolver` is built once per (catalog, options); it memoizes every (key, year) it has seen
and resolves the titles that need fuzzy matching in one vectorized `rapidfuzz.process.cdist` call,
so scoring hundreds of thousands of recommended titles stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from rbh.data.normalize import title_key, title_variants

if TYPE_CHECKING:
    from rbh.data.catalog import Item

FUZZY_CHUNK = 2048  # query keys per cdist call (bounds memory: chunk x catalog keys float32)
_NUMBER_TOKENS = frozenset({"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})


def number_tokens(key: str) -> frozenset[str]:
    """Sequel markers of a key ('toy story 2' -> {'2'}); a fuzzy match must not change them."""
    return frozenset(t for t in key.split() if t.isdigit() or t in _NUMBER_TOKENS)


class ResolutionOptions(BaseModel):
    """How recommended titles are mapped to catalog items; `resolution:` in a task (or a metric's options)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fuzzy: bool = True
    fuzzy_threshold: float = Field(default=90.0, ge=0, le=100, description="minimum rapidfuzz ratio (0-100) of the normalized keys")
    min_fuzzy_length: int = Field(default=5, ge=1, description="keys shorter than this are only matched exactly")
    year_tolerance: int | None = Field(
        default=2, ge=0, description="reject a match whose year is further than this from the year hint; null = never reject"
    )


@dataclass(frozen=True)
class Resolution:
    """How a recommended title was mapped: the item id (or None) and the method used."""

    item_id: str | None
    method: str  # "exact", "alias", "fuzzy" or "unresolved"
    score: float = 1.0


UNRESOLVED = Resolution(None, "unresolved", 0.0)


class TitleResolver:
    """Resolves (title, year hint) pairs against one catalog's items with fixed options."""

    def __init__(self, items: Mapping[str, "Item"], options: ResolutionOptions):
        self.items = items
        self.options = options
        self.by_title: dict[str, list[str]] = {}
        self.by_alias: dict[str, list[str]] = {}
        for item in items.values():
            self.by_title.setdefault(title_key(item.title), []).append(item.id)
            for alias in item.aliases:
                self.by_alias.setdefault(title_key(alias), []).append(item.id)
        fuzzy_ids: dict[str, list[str]] = {}
        for index in (self.by_title, self.by_alias):
            for key, ids in index.items():
                if key:
                    bucket = fuzzy_ids.setdefault(key, [])
                    bucket.extend(i for i in ids if i not in bucket)
        self.fuzzy_keys = list(fuzzy_ids)
        self.fuzzy_ids = [fuzzy_ids[k] for k in self.fuzzy_keys]
        self.fuzzy_numbers = [number_tokens(k) for k in self.fuzzy_keys]
        self._memo: dict[tuple[str, int | None], Resolution] = {}

    def resolve(self, title: str, year: int | None = None) -> Resolution:
        return self.resolve_many([(title, year)])[0]

    def resolve_many(self, pairs: Sequence[tuple[str, int | None]]) -> list[Resolution]:
        """Resolve a batch; titles needing fuzzy matching are matched together."""
        wanted = [(title_key(t), y) for t, y in pairs]
        pending: dict[tuple[str, int | None], None] = {}
        for (title, _), memo_key in zip(pairs, wanted):
            if memo_key in self._memo or memo_key in pending:
                continue
            found = self._exact(*memo_key)
            for variant in title_variants(title) if found is None else ():
                found = self._exact(title_key(variant), memo_key[1])
                if found is not None and found.item_id is not None:
                    break
                found = None
            if found is not None:
                self._memo[memo_key] = found
            elif self._fuzzy_allowed(memo_key[0]):
                pending[memo_key] = None
            else:
                self._memo[memo_key] = UNRESOLVED
        if pending:
            self._fuzzy(list(pending))
        return [self._memo[k] for k in wanted]

    def _exact(self, key: str, year: int | None) -> Resolution | None:
        if not key:
            return UNRESOLVED
        for method, index in (("exact", self.by_title), ("alias", self.by_alias)):
            item_id = self._pick_by_year(index.get(key, ()), year)
            if item_id is not None:
                return Resolution(item_id, method)
        return None

    def _fuzzy_allowed(self, key: str) -> bool:
        return self.options.fuzzy and len(key) >= self.options.min_fuzzy_length and bool(self.fuzzy_keys)

    def _fuzzy(self, memo_keys: list[tuple[str, int | None]]) -> None:
        import numpy as np
        from rapidfuzz import fuzz, process

        cutoff = self.options.fuzzy_threshold
        for start in range(0, len(memo_keys), FUZZY_CHUNK):
            chunk = memo_keys[start : start + FUZZY_CHUNK]
            scores = process.cdist(
                [k for k, _ in chunk], self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float32, workers=-1
            )
            for row, (key, year) in zip(scores, chunk):
                self._memo[(key, year)] = self._best(row, number_tokens(key), year, cutoff)

    def _best(self, row: "object", numbers: frozenset[str], year: int | None, cutoff: float) -> Resolution:
        """The best-scoring candidate with the same sequel numbers whose year fits the hint;
        the hint also breaks score ties."""
        import numpy as np

        columns = np.flatnonzero(row >= max(cutoff, 1e-6))  # type: ignore[operator]
        best: tuple[float, int, str] | None = None
        for col in columns:
            if self.fuzzy_numbers[col] != numbers:
                continue
            item_id = self._pick_by_year(self.fuzzy_ids[col], year)
            if item_id is None:
                continue
            score = float(row[col])  # type: ignore[index]
            rank = (score, -self._year_gap(item_id, year), item_id)
            if best is None or rank[:2] > best[:2]:
                best = rank
        return Resolution(best[2], "fuzzy", best[0] / 100.0) if best else UNRESOLVED

    def _year_gap(self, item_id: str, year: int | None) -> int:
        item_year = self.items[item_id].year
        if year is None or item_year is None:
            return 0
        return abs(item_year - year)

    def _pick_by_year(self, ids: Iterable[str], year: int | None) -> str | None:
        """Among items sharing a key: the closest year to the hint (first on ties); None when every
        candidate is further from the hint than `year_tolerance`."""
        ids = list(ids)
        if not ids:
            return None
        if year is None:
            return ids[0]
        best = min(ids, key=self._year_sort_key(year))
        tolerance = self.options.year_tolerance
        if tolerance is not None and self.items[best].year is not None and self._year_gap(best, year) > tolerance:
            return None
        return best

    def _year_sort_key(self, year: int) -> "Callable[[str], int]":
        def key(item_id: str) -> int:
            item_year = self.items[item_id].year
            return 10_000 if item_year is None else abs(item_year - year)

        return key
