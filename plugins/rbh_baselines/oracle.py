"""`oracle`: answers with the ground truth, so every relevance metric is 1 (a harness check)."""

from __future__ import annotations

from rbh import ChatRequest, Completion
from rbh_baselines.base import SampleBaseline, titles_answer


class OracleModel(SampleBaseline):
    name = "oracle"
    description = "returns the ground truth (every relevance metric = 1); checks the harness"

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="oracle needs the sample and dataset")
        catalog = request.dataset.catalog(sample.domain)
        titles = [catalog.display_of(i) for i in sample.ground_truth]
        return titles_answer(titles[: request.k] if request.k else titles)
