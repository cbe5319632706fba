"""Title resolution in the Catalog (docs/design.md §8.2): keys, aliases, fuzzy matching, year hints."""

from __future__ import annotations

from rbh.data.catalog import Catalog, Item, ResolutionOptions
from rbh.data.normalize import title_key, title_variants
from tests.scoring.helpers import CATALOG


def rid(title: str, year: int | None = None, **options: object) -> str | None:
    return CATALOG.resolve(title, year, ResolutionOptions(**options) if options else None).item_id


def test_normalized_keys() -> None:
    assert title_key("Breakfast Club, The") == title_key("The Breakfast Club") == "breakfast club"
    assert title_key("Fast & Furious") == title_key("Fast and Furious")
    assert title_key("Amélie") == title_key("AMELIE")
    assert title_key("Mis\ufffdrables, Les") == "les misrables"
    assert title_variants("Das Boot (The Boat)") == ["Das Boot", "The Boat"]
    assert title_variants("Mad Max 2 (a.k.a. The Road Warrior)") == ["Mad Max 2", "The Road Warrior"]


def test_exact_alias_and_variant_matches() -> None:
    assert CATALOG.resolve("breakfast club, the").method == "exact"
    assert rid("Breakfast Club, The (1985)") == "4"
    assert CATALOG.resolve("The Boat").method == "alias"
    assert rid("The Boat (Das Boot)") == "9"


def test_year_hint_breaks_ties_and_rejects_far_years() -> None:
    assert rid("Psycho", 1960) == "5"
    assert rid("Psycho", 1998) == "6"
    assert rid("Psycho") == "5"
    assert rid("Heat", 2013) is None  # a different film of the same name
    assert rid("Heat", 2013, year_tolerance=None) == "1"
    assert rid("Heat", 1996) == "1"


def test_fuzzy_matching_with_threshold() -> None:
    resolution = CATALOG.resolve("Star Wars Episode IV: A New Hope!")
    assert resolution.item_id == "10"
    assert CATALOG.resolve("Star Wars: Episode 4 - A New Hope").item_id is None  # sequel numbers must agree
    assert rid("Breakfst Club") == "4"
    assert rid("Breakfst Club", fuzzy=False) is None
    assert rid("Breakfst Club", fuzzy_threshold=99) is None


def test_fuzzy_never_changes_sequel_numbers() -> None:
    assert rid("Toy Story 3") is None
    assert rid("Toy Story") == "7"
    assert rid("Toy Story 2") == "8"


def test_short_keys_are_exact_only_and_unknowns_unresolved() -> None:
    assert rid("Alie") is None
    assert rid("Completely Unknown Film") is None
    assert CATALOG.resolve("").method == "unresolved"


def test_resolve_many_matches_resolve_and_memoizes() -> None:
    catalog = Catalog([Item(str(i), f"Film Number {i}", 1990) for i in range(50)])
    pairs = [(f"Film Numbr {i % 7}", None) for i in range(200)] + [("Nothing Like It", None)]
    batch = [r.item_id for r in catalog.resolve_many(pairs)]
    assert batch == [catalog.resolve(t, y).item_id for t, y in pairs]
    assert batch[:7] == [str(i) for i in range(7)] and batch[-1] is None
    assert len(catalog.resolver()._memo) == 8


def test_options_validate() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        ResolutionOptions(fuzzy_threshold=120)
    with pytest.raises(ValidationError):
        ResolutionOptions(bogus=1)  # type: ignore[call-arg]
