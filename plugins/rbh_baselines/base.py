"""Shared machinery of the baselines: synchronous, per-sample, answer in the `[SEP]` format."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rbh import ChatRequest, Completion, Model, UsageError

DEFAULT_N = 10
SEPARATOR = " [SEP] "


class SampleBaseline(Model):
    """A baseline that answers each request from its sample (and dataset), not from the prompt."""

    def answer(self, request: ChatRequest) -> Completion:
        raise NotImplementedError

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        for i, request in enumerate(requests):
            start = time.perf_counter()
            completion = self.answer(request)
            yield (
                i,
                Completion(
                    text=completion.text,
                    error=completion.error,
                    finish_reason=completion.finish_reason or "stop",
                    latency_s=time.perf_counter() - start,
                ),
            )

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {"sample": request.sample.id if request.sample else None, **candidate_identity(request)}


def candidate_identity(request: ChatRequest) -> dict[str, Any]:
    """A rank request's candidate list, in the order shown (part of a baseline's cache key: the
    same sample is another request with another list); nothing for other requests."""
    return {"candidates": list(request.sample.candidates)} if request.sample and request.sample.candidates else {}


def ranked_answer(request: ChatRequest, order: Sequence[str]) -> Completion:
    """A rank request's answer: the candidates in `order` (ids), one title per line."""
    assert request.sample is not None and request.dataset is not None
    catalog = request.dataset.catalog(request.sample.domain)
    return Completion(text="\n".join(catalog.display_of(i) for i in order))


def positive(backend: str, name: str, value: int) -> int:
    """`value` as an int, or a one-line usage error: "--model-args: random n must be a positive integer"."""
    if int(value) < 1:
        raise UsageError(f"--model-args: {backend} {name} must be a positive integer, got {value!r}")
    return int(value)


def titles_answer(titles: Sequence[str]) -> Completion:
    """A completion listing titles in the official `[SEP]` format."""
    return Completion(text=SEPARATOR.join(titles))


def how_many(request: ChatRequest, default: int = DEFAULT_N) -> int:
    return request.k or default
