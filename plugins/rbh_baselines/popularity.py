"""`popularity`: the items that appear most often in users' histories across the dataset."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from rbh import ChatRequest, Completion
from rbh_baselines.base import SampleBaseline, candidate_identity, how_many, positive, ranked_answer, titles_answer


class PopularityModel(SampleBaseline):
    name = "popularity"
    description = "most frequent items in the dataset's user histories (same list for every request); rank tasks: the candidates by it"

    def __init__(self, model_name: str | None = None, n: int = 10, **kwargs: Any):
        super().__init__(model_name, n=n, **kwargs)
        self.n = positive(self.name, "n", n)
        self._ranked: dict[tuple[int, str], list[str]] = {}

    def ranking(self, request: ChatRequest, domain: str) -> list[str]:
        """Item ids by history frequency (ties by id), then the rest of the catalog."""
        assert request.dataset is not None
        key = (id(request.dataset), domain)
        if key not in self._ranked:
            counts: Counter[str] = Counter()
            for config in request.dataset.configs():
                if config.startswith(f"{domain}_") and not config.endswith(("_items", "_kg")):
                    for sample in request.dataset.samples(config):
                        counts.update(sample.history)
            catalog = request.dataset.catalog(domain)
            ranked = [i for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if i in catalog]
            ranked.extend(sorted(set(catalog.items) - set(ranked)))
            self._ranked[key] = ranked
        return self._ranked[key]

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="popularity needs the sample and dataset")
        if sample.candidates:
            place = {item: i for i, item in enumerate(self.ranking(request, sample.domain))}
            return ranked_answer(request, sorted(sample.candidates, key=lambda i: (place.get(i, len(place)), i)))
        catalog = request.dataset.catalog(sample.domain)
        top = self.ranking(request, sample.domain)[: how_many(request, self.n)]
        return titles_answer([catalog[i].display for i in top])

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {"domain": request.sample.domain if request.sample else None, "n": self.n, "k": request.k, **candidate_identity(request)}
