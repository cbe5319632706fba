"""BM25 (the `bm25s` library) over a domain's catalog: each item's text is its title, aliases,
year and every entity of its KG facts. The `bm25` baseline ranks with it; `protocol: rank` tasks
draw hard negatives with it (docs/tasks.md, "Candidate ranking")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG


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

    def scored(self, query: str, n: int) -> list[tuple[str, float]]:
        """The (at most) `n` best-scoring items with their scores, best first; items sharing no
        query term are left out."""
        n = min(n, len(self.ids))
        if n <= 0:
            return []
        tokens = self._bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not any(tokens.ids):  # nothing left after stopwords: no evidence
            return []
        docs, scores = self.retriever.retrieve(tokens, k=n, show_progress=False, n_threads=1)
        return [(self.ids[int(d)], float(score)) for d, score in zip(docs[0], scores[0]) if score > 0]

    def search(self, query: str, n: int) -> list[str]:
        """The ids of the (at most) `n` best-scoring items; items sharing no query term are never
        returned, so a query with no known term gets no answer rather than arbitrary items."""
        return [item for item, _ in self.scored(query, n)]
