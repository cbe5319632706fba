"""`random`: uniformly random catalog items (seeded per sample) — the floor of every metric."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from typing import Any

from rbh import ChatRequest, Completion
from rbh_baselines.base import SampleBaseline, how_many, positive, ranked_answer, titles_answer


class RandomModel(SampleBaseline):
    name = "random"
    description = "random catalog items, seeded per sample (--model-args seed=N, n=10); rank tasks: the candidates shuffled"

    def __init__(self, model_name: str | None = None, seed: int = 0, n: int = 10, **kwargs: Any):
        super().__init__(model_name, seed=seed, n=n, **kwargs)
        self.seed, self.n = int(seed), positive(self.name, "n", n)

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="random needs the sample and dataset")
        digest = hashlib.sha256(f"{self.seed}:{sample.id}".encode()).hexdigest()
        rng = random.Random(int(digest[:16], 16))
        if sample.candidates:
            order = sorted(sample.candidates)  # not the order shown: the same ranking whatever the order
            rng.shuffle(order)
            return ranked_answer(request, order)
        ids = sorted(request.dataset.catalog(sample.domain).items)
        picks = rng.sample(ids, min(how_many(request, self.n), len(ids)))
        catalog = request.dataset.catalog(sample.domain)
        return titles_answer([catalog[i].display for i in picks])

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {**super().request_identity(request), "seed": self.seed, "n": self.n}
