"""Rules every phrased query must pass (DESIGN §9.7); a failing query is re-asked or dropped."""

from __future__ import annotations

from collections.abc import Iterable

from rbh import Catalog
from rbh.data import title_key
from rbh_kg.generator.context import contains_key
from rbh_kg.generator.drafts import Draft


def _titles(catalog: Catalog, item_id: str) -> Iterable[str]:
    item = catalog.get(item_id)
    if item is None:
        return ()
    return (item.title, *item.aliases)


def violations(draft: Draft, query: str, catalog: Catalog) -> list[str]:
    """The rules `query` breaks for `draft` (empty when it is valid)."""
    key = title_key(query)
    if not key:
        return ["empty"]
    broken: list[str] = []
    if any(contains_key(key, title_key(t)) for i in draft.ground_truth for t in _titles(catalog, i)):
        broken.append("ground_truth_title")
    if draft.subtype == "explicit" and not all(contains_key(key, title_key(c.entity)) for c in draft.conditions):
        broken.append("missing_condition")
    if draft.subtype in ("implicit", "misinformed") and any(contains_key(key, title_key(c.entity)) for c in draft.bridged):
        broken.append("names_true_entity")
    if draft.subtype == "misinformed" and not all(contains_key(key, title_key(m.stated_entity)) for m in draft.misinformation):
        broken.append("missing_stated_entity")
    return broken
