"""Small builders for scoring tests: a catalog, a KG and ScoringInputs from plain values."""

from __future__ import annotations

from typing import Any

from rbh.data.catalog import Catalog, Item
from rbh.data.kg import KG, Triple
from rbh.data.sample import Condition, Misinformation, Sample
from rbh.scoring.base import ScoringInput
from rbh.scoring.parse import parse_response

CATALOG = Catalog(
    [
        Item("1", "Heat", 1995),
        Item("2", "Alien", 1979),
        Item("3", "Aliens", 1986),
        Item("4", "The Breakfast Club", 1985, ("Breakfast Club, The",)),
        Item("5", "Psycho", 1960),
        Item("6", "Psycho", 1998),
        Item("7", "Toy Story", 1995),
        Item("8", "Toy Story 2", 1999),
        Item("9", "Das Boot", 1981, ("The Boat",)),
        Item("10", "Star Wars: Episode IV - A New Hope", 1977),
    ],
    domain="movie",
)
KG_ = KG(
    [
        Triple("1", "directed_by", "Michael Mann"),
        Triple("1", "genre", "Crime"),
        Triple("2", "directed_by", "Ridley Scott"),
        Triple("2", "genre", "Horror"),
        Triple("3", "directed_by", "James Cameron"),
        Triple("3", "genre", "Action"),
        Triple("5", "directed_by", "Alfred Hitchcock"),
        Triple("5", "genre", "Horror"),
    ]
)


def sample(ground_truth: tuple[str, ...] = ("2", "3"), subtype: str = "explicit", **kw: Any) -> Sample:
    defaults: dict[str, Any] = {"conditions": (Condition("genre", "Horror"),) if subtype in ("explicit", "implicit", "misinformed") else ()}
    defaults.update(kw)
    return Sample(
        id=defaults.pop("id", "s1"),
        domain=defaults.pop("domain", "movie"),
        subtype=subtype,
        query=defaults.pop("query", "Some query"),
        ground_truth=ground_truth,
        **defaults,
    )


def scoring_input(response: str, s: Sample | None = None, k: int | None = None, catalog: Catalog = CATALOG) -> ScoringInput:
    s = s or sample()
    parsed = parse_response(response, "sep", k)
    resolved = tuple(r.item_id for r in catalog.resolve_many([(p.title, p.year) for p in parsed]))
    return ScoringInput(sample=s, response=response, recommended=tuple(parsed), resolved=resolved, catalog=catalog, kg=KG_, k=k)


__all__ = ["CATALOG", "KG_", "Misinformation", "sample", "scoring_input"]
