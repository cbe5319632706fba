"""Rules every phrased query must pass (docs/generator.md); a failing query is re-asked or dropped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rbh import Catalog
from rbh.data import title_key
from rbh_kg.generator.context import contains_key
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.wording import says_novels, slips

if TYPE_CHECKING:
    from rbh_kg.generator.phrasing.base import Phraser


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
    if says_novels(query) and not draft.novels:
        broken.append("novels_not_all_novels")
    return broken + slips(query)


def phrase_with_retries(
    drafts: Sequence[Draft],
    phraser: "Phraser",
    catalog: Catalog,
    max_attempts: int,
    rejected: Counter[tuple[str, str, str]],
    kind: Callable[[Draft], str],
    advance: Callable[[int], None] | None = None,
) -> list[tuple[str, str | None] | None]:
    """(query, query_direct) per draft, or None when every one of `max_attempts` phrasings broke a
    validator; each broken rule is counted in `rejected[(domain, kind(draft), rule)]`."""
    queries: list[tuple[str, str | None] | None] = [None] * len(drafts)
    pending = list(range(len(drafts)))
    for attempt in range(max_attempts):
        if not pending:
            break
        retry = []
        for i, p in zip(pending, phraser.phrase([drafts[i] for i in pending], attempt)):
            broken = violations(drafts[i], p.query, catalog)
            for rule in broken:
                rejected[(drafts[i].domain, kind(drafts[i]), rule)] += 1
            if broken:
                retry.append(i)
            else:
                queries[i] = (p.query, p.query_direct)
                if advance:
                    advance(1)
        pending = retry
    return queries
