"""Anthropic Message Batches for `anthropic:MODEL --batch`: create, poll, stream the results."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rbh import ChatRequest, Completion
from rbh.models import BatchApi, BatchResult, BatchStatus, short
from rbh_anthropic.messages import completion_from_message

if TYPE_CHECKING:
    from anthropic import Anthropic

RETRYABLE_ERRORS = frozenset({"api_error", "overloaded_error", "rate_limit_error", "timeout_error"})


class AnthropicBatchApi(BatchApi):
    """Message Batches through the official SDK's synchronous client (any `base_url`)."""

    def __init__(self, client: "Anthropic", params: Callable[[ChatRequest], dict[str, Any]], redact: Callable[[str], str]):
        self.client = client
        self.params = params
        self.redact = redact

    def submit(self, requests: Sequence[ChatRequest]) -> str:
        # the client's own POST (auth, base URL, errors) without `batches.create`'s per-request
        # TypedDict transform, which costs seconds and megabytes for 20,000 requests
        body = {"requests": [{"custom_id": r.key, "params": self.params(r)} for r in requests]}
        raw = self.client.post("/v1/messages/batches", body=body, cast_to=bytes)
        return str(json.loads(raw)["id"])

    def poll(self, batch_id: str) -> BatchStatus:
        batch = self.client.messages.batches.retrieve(batch_id)
        counts = batch.request_counts
        failed = int(counts.errored or 0) + int(counts.canceled or 0) + int(counts.expired or 0)
        total = int(counts.processing or 0) + int(counts.succeeded or 0) + failed
        return BatchStatus(state=str(batch.processing_status), total=total, completed=int(counts.succeeded or 0), failed=failed)

    def results(self, batch_id: str) -> Iterator[BatchResult]:
        """Read the results file as raw JSON lines (the SDK's `batches.results` builds a pydantic
        model per line, which costs seconds and megabytes for 20,000 results)."""
        batch = self.client.messages.batches.retrieve(batch_id)
        if not batch.results_url:
            raise ValueError(f"batch {batch_id} has no results yet ({batch.processing_status})")
        raw = self.client.get(batch.results_url, cast_to=bytes)
        for line in raw.splitlines():
            if line.strip():
                yield self.parse_result(_namespace(json.loads(line)), batch_id)

    def parse_result(self, row: Any, batch_id: str) -> BatchResult:
        """One streamed result → the request's completion (or failure)."""
        result = row.result
        kind = getattr(result, "type", None)
        if kind == "succeeded":
            try:
                completion = completion_from_message(result.message)
            except ValueError as exc:
                return BatchResult(row.custom_id, Completion(error=f"anthropic batch {batch_id}: malformed response: {exc}"), True)
            return BatchResult(row.custom_id, replace(completion, batch_id=batch_id))
        if kind == "errored":
            inner = getattr(getattr(result, "error", None), "error", None)
            etype = str(getattr(inner, "type", "error"))
            message = f"anthropic batch {batch_id}: {etype}: {short(str(getattr(inner, 'message', '') or ''))}"
            return BatchResult(row.custom_id, Completion(error=self.redact(message), batch_id=batch_id), etype in RETRYABLE_ERRORS)
        message = f"anthropic batch {batch_id}: request {kind}"
        return BatchResult(row.custom_id, Completion(error=message, batch_id=batch_id), retryable=kind in ("expired", "canceled"))

    def cancel(self, batch_id: str) -> BatchStatus:
        self.client.messages.batches.cancel(batch_id)
        return self.poll(batch_id)

    def close(self) -> None:
        self.client.close()


def _namespace(value: Any) -> Any:
    """JSON objects as attribute namespaces (the shape `completion_from_message` reads)."""
    from types import SimpleNamespace

    if isinstance(value, dict):
        return SimpleNamespace(**{k: _namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    return value
