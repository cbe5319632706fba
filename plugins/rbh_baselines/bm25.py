"""`bm25`: ranks catalog items by BM25 (the `bm25s` library) of the query against item text
built from KG facts — title, aliases, year and every entity name. An honest non-LLM reference:
it reads only the query text, never the ground truth, conditions or bridges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rbh import ChatRequest, Completion
from rbh_baselines.base import SampleBaseline, how_many, positive, ranked_answer, titles_answer

if TYPE_CHECKING:
    from rbh import BenchmarkDataset
    from rbh.data import BM25Index


class BM25Model(SampleBaseline):
    name = "bm25"
    description = "BM25 (bm25s) of the query against item text built from KG facts (--model-args n=10,k1=1.5,b=0.75); rank tasks: the candidates by it"

    def __init__(self, model_name: str | None = None, n: int = 10, k1: float = 1.5, b: float = 0.75, **kwargs: Any):
        super().__init__(model_name, n=n, k1=k1, b=b, **kwargs)
        self.n, self.k1, self.b = positive(self.name, "n", n), float(k1), float(b)
        self._indexes: dict[tuple[int, str], tuple["BenchmarkDataset", BM25Index]] = {}

    def index(self, dataset: "BenchmarkDataset", domain: str) -> BM25Index:
        """The index of one (dataset, domain), built on first use (the dataset is kept alive so
        its id cannot be reused by another)."""
        from rbh.data import BM25Index  # on first use: `rbh list models` imports this module

        key = (id(dataset), domain)
        if key not in self._indexes:
            self._indexes[key] = (dataset, BM25Index(dataset.catalog(domain), dataset.kg(domain), self.k1, self.b))
        return self._indexes[key][1]

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="bm25 needs the sample and dataset")
        index = self.index(request.dataset, sample.domain)
        if sample.candidates:  # best score first, ties by id: the same ranking whatever the order shown
            score = dict(index.scored(sample.query, len(index.ids)))
            return ranked_answer(request, sorted(sample.candidates, key=lambda i: (-score.get(i, 0.0), i)))
        catalog = request.dataset.catalog(sample.domain)
        ids = index.search(sample.query, how_many(request, self.n))
        return titles_answer([catalog[i].display for i in ids])

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {**super().request_identity(request), "n": self.n, "k": request.k, "k1": self.k1, "b": self.b}
