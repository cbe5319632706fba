"""`kg-oracle`: knows every fact of the KG but nothing of the user — the ceiling of a recommender
that answers the request perfectly yet cannot know which of its valid answers this user picked.

Condition subtypes: the most popular catalog items that satisfy every condition of the sample.
Profile subtypes: the most popular items of the stated theme (`group["theme"]`: genres, a decade
read from the item's year, language, country). Items the request names as already seen (bridge
titles, interest seeds) are never recommended. A sample with neither conditions nor a theme gets
the popularity ranking. Popularity is the number of the dataset's histories holding an item, as
in the `popularity` baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rbh import ChatRequest, Completion
from rbh_baselines.base import how_many, titles_answer
from rbh_baselines.popularity import PopularityModel

if TYPE_CHECKING:
    from rbh import KG, Catalog, Sample


class KGOracleModel(PopularityModel):
    name = "kg-oracle"
    description = "the most popular items satisfying the request's conditions or theme (knows the KG, not the user; --model-args n=10)"

    def __init__(self, model_name: str | None = None, n: int = 10, **kwargs: Any):
        super().__init__(model_name, n=n, **kwargs)
        self._ranks: dict[tuple[int, str], dict[str, int]] = {}

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="kg-oracle needs the sample and dataset")
        catalog, kg = request.dataset.catalog(sample.domain), request.dataset.kg(sample.domain)
        valid = valid_items(sample, catalog, kg)
        seen = named_items(sample)
        if valid is None:
            ordered = [i for i in self.ranking(request, sample.domain) if i not in seen]
        else:
            rank = self.rank_of(request, sample.domain)
            ordered = sorted((i for i in valid if i not in seen and i in rank), key=rank.__getitem__)
        return titles_answer([catalog[i].display for i in ordered[: how_many(request, self.n)]])

    def rank_of(self, request: ChatRequest, domain: str) -> dict[str, int]:
        """Item id → its place in the popularity ranking (built once per dataset and domain)."""
        assert request.dataset is not None
        key = (id(request.dataset), domain)
        if key not in self._ranks:
            self._ranks[key] = {item: n for n, item in enumerate(self.ranking(request, domain))}
        return self._ranks[key]

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {"sample": request.sample.id if request.sample else None, "n": self.n, "k": request.k}


def valid_items(sample: "Sample", catalog: "Catalog", kg: "KG") -> set[str] | None:
    """Catalog items satisfying the sample's conditions, or its profile theme; None without either."""
    from rbh.data import items_holding_all, request_conditions  # on first use: listing models stays light

    conditions = request_conditions(sample)
    return set(items_holding_all(catalog, kg, conditions)) if conditions else None


def named_items(sample: "Sample") -> set[str]:
    """Items the request says the user has already seen: bridge titles and interest seeds."""
    seen = {b.item_id for b in sample.bridges}
    pattern = (sample.group or {}).get("pattern")
    if pattern:
        seen.update(str(pattern).split(" > "))
    return seen
