"""The OpenAI Batch API (Files + Batches) for `openai:MODEL --batch`: one JSONL line per request,
uploaded through the Files API; output and error files are streamed back line by line."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from rbh import ChatRequest, Completion
from rbh.models import RETRYABLE_STATUS, BatchApi, BatchResult, BatchStatus, short
from rbh_openai.model import completion_from_response

if TYPE_CHECKING:
    from openai import OpenAI

ENDPOINT: Final = "/v1/chat/completions"
RETRYABLE_CODES = frozenset({"batch_expired", "batch_cancelled", "rate_limit_exceeded", "server_error"})


class OpenAIBatchApi(BatchApi):
    """Files + Batches through the official SDK's synchronous client (any `base_url` that
    implements them: api.openai.com, or an OpenAI-compatible server)."""

    def __init__(self, client: "OpenAI", body: Callable[[ChatRequest], dict[str, Any]], redact: Callable[[str], str]):
        self.client = client
        self.body = body
        self.redact = redact

    def submit(self, requests: Sequence[ChatRequest]) -> str:
        with tempfile.TemporaryFile("w+b") as fh:  # on disk, not in memory: 50,000 prompts are large
            for request in requests:
                line = {"custom_id": request.key, "method": "POST", "url": ENDPOINT, "body": self.body(request)}
                fh.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
            fh.seek(0)
            uploaded = self.client.files.create(file=("rbh-batch.jsonl", fh), purpose="batch")
        batch = self.client.batches.create(
            input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window="24h", metadata={"created_by": "rbh"}
        )
        return str(batch.id)

    def poll(self, batch_id: str) -> BatchStatus:
        batch = self.client.batches.retrieve(batch_id)
        counts = batch.request_counts
        return BatchStatus(
            state=str(batch.status),
            total=int(getattr(counts, "total", 0) or 0),
            completed=int(getattr(counts, "completed", 0) or 0),
            failed=int(getattr(counts, "failed", 0) or 0),
        )

    def results(self, batch_id: str) -> Iterator[BatchResult]:
        batch = self.client.batches.retrieve(batch_id)
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            with self.client.files.with_streaming_response.content(file_id) as response:
                for line in response.iter_lines():
                    if line.strip():
                        yield self.parse_line(json.loads(line), batch_id)

    def parse_line(self, row: dict[str, Any], batch_id: str) -> BatchResult:
        """One line of an output or error file → the request's completion (or failure)."""
        custom_id = str(row.get("custom_id"))
        response = row.get("response") or {}
        error = row.get("error")
        status = int(response.get("status_code") or 0)
        if status == 200 and not error:
            try:
                completion = completion_from_response(response.get("body") or {})
            except ValueError as exc:
                return BatchResult(custom_id, Completion(error=f"openai batch {batch_id}: malformed response: {exc}"), retryable=True)
            return BatchResult(custom_id, replace(completion, batch_id=batch_id))
        if error:
            code = str(error.get("code") or "error")
            message = f"openai batch {batch_id}: {code}: {short(str(error.get('message') or ''))}"
            return BatchResult(custom_id, Completion(error=self.redact(message), batch_id=batch_id), retryable=code in RETRYABLE_CODES)
        body = response.get("body") or {}
        detail = (body.get("error") or {}).get("message") if isinstance(body, dict) else None
        message = f"openai batch {batch_id}: HTTP {status}: {short(str(detail or body))}"
        retryable = status in RETRYABLE_STATUS or status >= 500
        return BatchResult(custom_id, Completion(error=self.redact(message), batch_id=batch_id), retryable=retryable)

    def cancel(self, batch_id: str) -> BatchStatus:
        self.client.batches.cancel(batch_id)
        return self.poll(batch_id)

    def close(self) -> None:
        self.client.close()
