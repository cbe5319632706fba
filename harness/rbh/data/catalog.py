"""The catalog of one domain's items; it owns title resolution (docs/design.md §8.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rbh.data.normalize import title_key
from rbh.data.resolution import Resolution, ResolutionOptions, TitleResolver

__all__ = ["Catalog", "Item", "Resolution", "ResolutionOptions"]


@dataclass(frozen=True)
class Item:
    """A catalog item: stable id, display title, optional year and alternate titles."""

    id: str
    title: str
    year: int | None = None
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "Item":
        year = row.get("year")
        return cls(
            id=str(row["id"]),
            title=str(row["title"]),
            year=None if year is None or year != year else int(year),
            aliases=tuple(str(a) for a in row.get("aliases") or ()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "year": self.year, "aliases": list(self.aliases)}

    @property
    def display(self) -> str:
        """'Title (Year)' when the year is known."""
        return f"{self.title} ({self.year})" if self.year else self.title


class Catalog:
    """Items of one domain, indexed by id and by normalized title key."""

    def __init__(self, items: Iterable[Item], domain: str = ""):
        self.domain = domain
        self.items: dict[str, Item] = {}
        self._resolvers: dict[ResolutionOptions, TitleResolver] = {}
        self._scratch: dict[str, dict[Any, Any]] = {}
        for item in items:
            if item.id in self.items:
                raise ValueError(f"duplicate item id {item.id!r} in the {domain or 'catalog'} catalog")
            self.items[item.id] = item

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], domain: str = "") -> "Catalog":
        return cls((Item.from_dict(r) for r in rows), domain=domain)

    def __len__(self) -> int:
        return len(self.items)

    def scratch(self, name: str) -> dict[Any, Any]:
        """A dict that lives as long as this catalog, for memos of lookups over it (a scorer's
        title -> id table, say), so nothing needs a module-level cache keyed by catalog."""
        return self._scratch.setdefault(name, {})

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.items

    def __getitem__(self, item_id: str) -> Item:
        return self.items[item_id]

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def title_of(self, item_id: str) -> str:
        """The display title of an id; unknown ids are returned unchanged."""
        item = self.items.get(item_id)
        return item.title if item else item_id

    def display_of(self, item_id: str) -> str:
        """'Title (YYYY)' of an id, as prompts and answers show items; unknown ids unchanged."""
        item = self.items.get(item_id)
        return item.display if item else item_id

    def resolver(self, options: ResolutionOptions | None = None) -> TitleResolver:
        """The (memoizing) resolver for these options, built on first use."""
        options = options or ResolutionOptions()
        if options not in self._resolvers:
            self._resolvers[options] = TitleResolver(self.items, options)
        return self._resolvers[options]

    def resolve(self, title: str, year: int | None = None, options: ResolutionOptions | None = None) -> Resolution:
        """Map a recommended title (+ optional year hint) to an item id, or to unresolved."""
        return self.resolver(options).resolve(title, year)

    def resolve_many(self, titles: Sequence[tuple[str, int | None]], options: ResolutionOptions | None = None) -> list[Resolution]:
        """Resolve a batch of (title, year hint) pairs (fuzzy matches computed together)."""
        return self.resolver(options).resolve_many(titles)

    def key_of(self, item_id: str) -> str:
        """The normalized title key of an item ('' for unknown ids)."""
        item = self.items.get(item_id)
        return title_key(item.title) if item else ""
