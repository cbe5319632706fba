"""The fake LLM server plus provider batch endpoints, on 127.0.0.1:

- OpenAI: `POST /v1/files` (multipart upload), `GET /v1/files/{id}/content`, `POST /v1/batches`,
  `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`;
- Anthropic: `POST /v1/messages/batches`, `GET /v1/messages/batches/{id}`, `POST .../cancel`,
  `GET .../results` (JSONL).

State transitions are driven by polls (each retrieve of a batch is one poll): OpenAI
validating → in_progress → finalizing → completed (or expired, cancelling → cancelled, failed);
Anthropic in_progress → ended (canceling → ended). `polls_per_state` polls in each state;
`hold=True` keeps batches in_progress until released. Each created batch follows the matching
entry of `plans` (faulty lines, expiry, failure), later ones run clean. Answers come from the
same responder as the live routes, and every answered line is logged, so `duplicates()` tells
whether a request was ever answered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tests.servers.llm_server import LLMServer, LogEntry, _error, _send, _send_raw, request_key, serve_forever


@dataclass
class BatchPlan:
    """What happens to one batch: every `fail_every`-th line answers HTTP 500 (retryable), every
    `bad_every`-th line HTTP 400 (not retryable), only the first `expire_after` lines complete
    before the batch expires, or the whole batch `fails` validation."""

    fail_every: int = 0
    bad_every: int = 0
    expire_after: int | None = None
    fails: bool = False


@dataclass
class _Batch:
    id: str
    route: str  # "openai" or "anthropic"
    lines: list[dict[str, Any]]  # {"custom_id", "body"}
    plan: BatchPlan
    created: float
    state: str
    polls: int = 0
    cancel: bool = False
    output: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    output_file_id: str | None = None
    error_file_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


OPENAI_FLOW = ("validating", "in_progress", "finalizing", "completed")


@dataclass
class BatchServer(LLMServer):
    polls_per_state: int = 1
    hold: bool = False
    plans: list[BatchPlan] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, _Batch] = {}
        self.submitted: Counter[str] = Counter()  # custom_id → times it was put in a batch
        self.processing_s = 0.0  # the server's own time answering batch lines
        self._ids = itertools.count(1)

    # -- what the tests look at ----------------------------------------------------------------
    def created(self) -> int:
        return len(self.batches)

    # -- HTTP ----------------------------------------------------------------------------------
    async def _respond(self, method: str, path: str, headers: dict[str, str], raw: bytes, writer: asyncio.StreamWriter) -> bool:
        path = path.split("?", 1)[0].rstrip("/")
        parts = path.strip("/").split("/")
        if path == "/stats":  # for benchmarks that run the server in a process of its own
            with self._lock:
                stats = {"processing_s": self.processing_s, "created": len(self.batches), "submitted": sum(self.submitted.values())}
            await _send(writer, 200, stats)
            return True
        if parts[:2] == ["v1", "files"] or parts[:2] == ["v1", "batches"] or parts[:3] == ["v1", "messages", "batches"]:
            if self.api_key is not None and self.api_key not in (
                headers.get("x-api-key"),
                headers.get("authorization", "").removeprefix("Bearer "),
            ):
                await _send(writer, 401, _error("openai", "authentication_error", "invalid key"))
                return True
            await self._batch_route(method, parts[1:], headers, raw, writer)
            return True
        return await super()._respond(method, path, headers, raw, writer)

    async def _batch_route(self, method: str, parts: list[str], headers: dict[str, str], raw: bytes, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            if parts == ["files"] and method == "POST":
                data = _multipart_file(headers.get("content-type", ""), raw)
                file_id = f"file-{next(self._ids)}"
                self.files[file_id] = data
                reply: Any = {
                    "id": file_id,
                    "object": "file",
                    "bytes": len(data),
                    "created_at": int(time.time()),
                    "filename": "in.jsonl",
                    "purpose": "batch",
                    "status": "processed",
                }
            elif len(parts) == 3 and parts[0] == "files" and parts[2] == "content" and method == "GET":
                if parts[1] not in self.files:
                    reply = None
                else:
                    content = self.files[parts[1]]
                    reply = content
            elif parts == ["batches"] and method == "POST":
                body = json.loads(raw)
                lines = [json.loads(line) for line in self.files[body["input_file_id"]].splitlines() if line.strip()]
                batch = self._create("openai", [{"custom_id": x["custom_id"], "body": x["body"]} for x in lines], "validating")
                reply = self._openai_view(batch, body)
            elif len(parts) >= 2 and parts[0] == "batches" and parts[1] in self.batches:
                batch = self.batches[parts[1]]
                if len(parts) == 3 and parts[2] == "cancel":
                    batch.cancel = True
                    if batch.state not in ("completed", "failed", "expired", "cancelled"):
                        batch.state = "cancelling"
                else:
                    self._advance(batch)
                reply = self._openai_view(batch, {})
            elif parts == ["messages", "batches"] and method == "POST":
                body = json.loads(raw)
                batch = self._create(
                    "anthropic", [{"custom_id": r["custom_id"], "body": r["params"]} for r in body["requests"]], "in_progress"
                )
                reply = self._anthropic_view(batch)
            elif len(parts) >= 3 and parts[:2] == ["messages", "batches"] and parts[2] in self.batches:
                batch = self.batches[parts[2]]
                if len(parts) == 4 and parts[3] == "cancel":
                    batch.cancel = True
                    if batch.state != "ended":
                        batch.state = "canceling"
                    reply = self._anthropic_view(batch)
                elif len(parts) == 4 and parts[3] == "results":
                    reply = b"".join(json.dumps(x).encode() + b"\n" for x in batch.output)
                else:
                    self._advance(batch)
                    reply = self._anthropic_view(batch)
            else:
                reply = None
        if reply is None:
            await _send(writer, 404, {"error": {"message": f"no route {method} /v1/{'/'.join(parts)}", "type": "not_found_error"}})
        elif isinstance(reply, bytes):
            await _send_raw(writer, 200, reply, "application/octet-stream")
        else:
            await _send(writer, 200, reply)

    # -- batches -------------------------------------------------------------------------------
    def _create(self, route: str, lines: list[dict[str, Any]], state: str) -> _Batch:
        n = len(self.batches)
        plan = self.plans[n] if n < len(self.plans) else BatchPlan()
        prefix = "batch_" if route == "openai" else "msgbatch_"
        batch = _Batch(f"{prefix}{next(self._ids):04d}", route, lines, plan, time.time(), state)
        self.batches[batch.id] = batch
        for line in lines:
            self.submitted[line["custom_id"]] += 1
        return batch

    def _advance(self, batch: _Batch) -> None:
        """One poll: move on after `polls_per_state` polls in a state (never out of in_progress
        while `hold`); a batch that ends is processed then."""
        batch.polls += 1
        if batch.state in ("completed", "failed", "expired", "cancelled", "ended"):
            return
        if batch.state in ("cancelling", "canceling"):
            self._finish(batch, "cancelled" if batch.route == "openai" else "ended", cancelled=True)
            return
        if batch.polls < self.polls_per_state or (self.hold and batch.state == "in_progress"):
            return
        batch.polls = 0
        if batch.plan.fails and batch.state == "validating":
            self._finish(batch, "failed")
        elif batch.plan.expire_after is not None and batch.state == "in_progress":
            self._finish(batch, "expired" if batch.route == "openai" else "ended", expire_after=batch.plan.expire_after)
        elif batch.route == "anthropic":
            self._finish(batch, "ended")
        else:
            following = OPENAI_FLOW[OPENAI_FLOW.index(batch.state) + 1]
            if following == "completed":
                self._finish(batch, "completed")
            else:
                batch.state = following

    def _finish(self, batch: _Batch, state: str, expire_after: int | None = None, cancelled: bool = False) -> None:
        t0 = time.perf_counter()
        plan = batch.plan
        done = len(batch.lines) // 2 if cancelled else (expire_after if expire_after is not None else len(batch.lines))
        if state == "failed":
            done = 0
        ok = failed = expired = 0
        for n, line in enumerate(batch.lines, 1):
            custom_id, body = line["custom_id"], line["body"]
            if n > done:
                if state in ("expired",) or (batch.route == "anthropic" and expire_after is not None):
                    expired += 1
                    batch.errors.append(self._expired_line(batch, custom_id))
                elif cancelled and batch.route == "anthropic":
                    batch.errors.append({"custom_id": custom_id, "result": {"type": "canceled"}})
                continue
            status = 500 if plan.fail_every and n % plan.fail_every == 0 else 400 if plan.bad_every and n % plan.bad_every == 0 else 200
            if status != 200:
                failed += 1
                batch.errors.append(self._error_line(batch, custom_id, status))
                continue
            ok += 1
            reply = self.responder(batch.route, body)
            answer = self._openai_body(body, reply) if batch.route == "openai" else self._anthropic_body(body, reply)
            self.log.append(LogEntry(request_key(batch.route, body), batch.route + "-batch", "ok", time.time(), delivered=True))
            if batch.route == "openai":
                batch.output.append(
                    {
                        "id": f"req_{n}",
                        "custom_id": custom_id,
                        "response": {"status_code": 200, "request_id": f"r{n}", "body": answer},
                        "error": None,
                    }
                )
            else:
                batch.output.append({"custom_id": custom_id, "result": {"type": "succeeded", "message": answer}})
        if batch.route == "anthropic":
            batch.output.extend(batch.errors)
            batch.errors = []
        else:
            for attr, rows in (("output_file_id", batch.output), ("error_file_id", batch.errors)):
                if rows:
                    file_id = f"file-{next(self._ids)}"
                    self.files[file_id] = b"".join(json.dumps(x).encode() + b"\n" for x in rows)
                    setattr(batch, attr, file_id)
        batch.counts = {"ok": ok, "failed": failed, "expired": expired, "cancelled": len(batch.lines) - done if cancelled else 0}
        batch.state = state
        self.processing_s += time.perf_counter() - t0

    def _error_line(self, batch: _Batch, custom_id: str, status: int) -> dict[str, Any]:
        kind, message = ("api_error", "internal error") if status == 500 else ("invalid_request_error", "bad request")
        if batch.route == "anthropic":
            return {
                "custom_id": custom_id,
                "result": {"type": "errored", "error": {"type": "error", "error": {"type": kind, "message": message}}},
            }
        return {
            "id": "req_x",
            "custom_id": custom_id,
            "response": {"status_code": status, "request_id": "r", "body": {"error": {"message": message, "type": kind}}},
            "error": None,
        }

    def _expired_line(self, batch: _Batch, custom_id: str) -> dict[str, Any]:
        if batch.route == "anthropic":
            return {"custom_id": custom_id, "result": {"type": "expired"}}
        return {
            "id": "req_x",
            "custom_id": custom_id,
            "response": None,
            "error": {"code": "batch_expired", "message": "not executed before the completion window expired"},
        }

    def _openai_view(self, batch: _Batch, body: dict[str, Any]) -> dict[str, Any]:
        ended = batch.state in ("completed", "failed", "expired", "cancelled")
        total = len(batch.lines)
        completed = batch.counts.get("ok", 0)
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "errors": {"object": "list", "data": [{"code": "invalid_batch", "message": "validation failed"}]}
            if batch.state == "failed"
            else None,
            "input_file_id": "file-in",
            "completion_window": "24h",
            "status": batch.state,
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": int(batch.created),
            "request_counts": {"total": total, "completed": completed, "failed": (total - completed) if ended else 0},
            "metadata": body.get("metadata"),
        }

    def _anthropic_view(self, batch: _Batch) -> dict[str, Any]:
        ended = batch.state == "ended"
        c = batch.counts
        iso = datetime.fromtimestamp(batch.created, timezone.utc).isoformat().replace("+00:00", "Z")
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": batch.state,
            "request_counts": {
                "processing": 0 if ended else len(batch.lines),
                "succeeded": c.get("ok", 0),
                "errored": c.get("failed", 0),
                "canceled": c.get("cancelled", 0),
                "expired": c.get("expired", 0),
            },
            "created_at": iso,
            "expires_at": iso,
            "ended_at": iso if ended else None,
            "archived_at": None,
            "cancel_initiated_at": iso if batch.cancel else None,
            "results_url": f"{self.url}/v1/messages/batches/{batch.id}/results" if ended else None,
        }


def _multipart_file(content_type: str, raw: bytes) -> bytes:
    """The `file` part of a multipart/form-data body."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    for part in raw.split(b"--" + boundary):
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return data.removesuffix(b"\r\n")
    raise ValueError("no file part")


def main() -> None:
    parser = argparse.ArgumentParser(description="fake OpenAI/Anthropic server with batch endpoints, for benchmarks")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--polls-per-state", type=int, default=1)
    args = parser.parse_args()
    serve_forever(BatchServer(port=args.port, polls_per_state=args.polls_per_state).start())


if __name__ == "__main__":
    main()
