"""What a request asks of every item it wants: its hard conditions, or a profile request's theme
(`group["theme"]`: genres, a decade, a language, a country), and the catalog items that hold
them. A `decade` ("1980s") is not a KG fact: it is read from the catalog year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rbh.data.sample import Condition, Sample

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG

DECADE = "decade"


def decade_of(year: int | None) -> str | None:
    """'1980s' for 1984; None without a year."""
    return f"{year // 10 * 10}s" if year else None


def request_conditions(sample: Sample) -> tuple[Condition, ...]:
    """The sample's hard conditions, else its profile theme (empty when it has neither)."""
    if sample.conditions:
        return sample.conditions
    theme = (sample.group or {}).get("theme") or ()
    return tuple(Condition(str(t["relation"]), str(t["entity"])) for t in theme if t.get("relation") and t.get("entity"))


def items_holding(catalog: "Catalog", kg: "KG", condition: Condition) -> frozenset[str]:
    """The catalog items that hold one condition (a decade by their year)."""
    if condition.relation == DECADE:
        return frozenset(i for i, item in catalog.items.items() if decade_of(item.year) == condition.entity)
    return frozenset(i for i in kg.items_with(condition.relation, condition.entity) if i in catalog)


def items_holding_all(catalog: "Catalog", kg: "KG", conditions: Sequence[Condition]) -> frozenset[str]:
    """The catalog items that hold every condition (the whole catalog for none)."""
    if not conditions:
        return frozenset(catalog.items)
    return frozenset.intersection(*(items_holding(catalog, kg, c) for c in conditions))
