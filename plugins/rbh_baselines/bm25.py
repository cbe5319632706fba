"""`bm25`: ranks catalog items by BM25 (the `bm25s` library) of the query against item text
built from KG facts — title, aliases, year and every entity name. An honest non-LLM reference:
it reads only the query text, never the ground truth, conditions or bridges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rbh import ChatRequest, Completion
from rbh_baselines.base import SampleBaseline, how_many, positive, titles_answer

if TYPE_CHECKING:
    from rbh import KG, BenchmarkDataset, Catalog


def item_text(catalog: "Catalog", kg: "KG", item_id: str) -> str:
    """The searchable text of an item: title, aliases, year, then the entity of every fact."""
    item = catalog[item_id]
    parts = [item.title, *item.aliases, str(item.year or "")]
    parts.extend(entity for _, entity in sorted(kg.facts(item_id)))
    return " ".join(p for p in parts if p)


class BM25Index:
    """A BM25 index over one domain's catalog (built once, queried per sample)."""

    def __init__(self, catalog: "Catalog", kg: "KG", k1: float = 1.5, b: float = 0.75):
        import bm25s

        self._bm25s = bm25s
        self.ids = sorted(catalog.items)
        corpus = [item_text(catalog, kg, i) for i in self.ids]
        self.retriever = bm25s.BM25(k1=k1, b=b)
        self.retriever.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)

    def search(self, query: str, n: int) -> list[str]:
        """The ids of the (at most) `n` best-scoring items; items sharing no query term are never
        returned, so a query with no known term gets no answer rather than arbitrary items."""
        n = min(n, len(self.ids))
        if n <= 0:
            return []
        tokens = self._bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not any(tokens.ids):  # nothing left after stopwords: no evidence, no guess
            return []
        docs, scores = self.retriever.retrieve(tokens, k=n, show_progress=False, n_threads=1)
        return [self.ids[int(d)] for d, score in zip(docs[0], scores[0]) if score > 0]


class BM25Model(SampleBaseline):
    name = "bm25"
    description = "BM25 (bm25s) of the query against item text built from KG facts (--model-args n=10,k1=1.5,b=0.75)"

    def __init__(self, model_name: str | None = None, n: int = 10, k1: float = 1.5, b: float = 0.75, **kwargs: Any):
        super().__init__(model_name, n=n, k1=k1, b=b, **kwargs)
        self.n, self.k1, self.b = positive(self.name, "n", n), float(k1), float(b)
        self._indexes: dict[tuple[int, str], tuple["BenchmarkDataset", BM25Index]] = {}

    def index(self, dataset: "BenchmarkDataset", domain: str) -> BM25Index:
        """The index of one (dataset, domain), built on first use (the dataset is kept alive so
        its id cannot be reused by another)."""
        key = (id(dataset), domain)
        if key not in self._indexes:
            self._indexes[key] = (dataset, BM25Index(dataset.catalog(domain), dataset.kg(domain), self.k1, self.b))
        return self._indexes[key][1]

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="bm25 needs the sample and dataset")
        catalog = request.dataset.catalog(sample.domain)
        ids = self.index(request.dataset, sample.domain).search(sample.query, how_many(request, self.n))
        return titles_answer([catalog[i].display for i in ids])

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {**super().request_identity(request), "n": self.n, "k": request.k, "k1": self.k1, "b": self.b}
