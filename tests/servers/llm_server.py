"""A fake LLM API on 127.0.0.1: OpenAI `/v1/chat/completions` and Anthropic `/v1/messages`.

Real HTTP/1.1 (keep-alive) on an asyncio server in a background thread, so the real SDKs talk
to it unchanged. Configurable latency, scripted responses, fault injection (429 with
Retry-After, 500, dropped connections, responses slower than the client's timeout, malformed
JSON) and a request log that tells whether any request was completed twice.

Run standalone for benchmarks: `python -m tests.servers.llm_server --latency 0.2` prints the port.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FAULTS = ("rate_limit", "server_error", "drop", "slow", "malformed")


@dataclass
class Faults:
    """Probabilities of each fault per request (the rest succeed)."""

    rate_limit: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    slow: float = 0.0
    malformed: float = 0.0
    retry_after: str = "0.05"  # the Retry-After header value sent with a 429
    slow_s: float = 5.0


@dataclass
class Reply:
    """What the fake model answers; `tool_calls` ({name, arguments} each) makes it call tools."""

    text: str
    reasoning: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    finish_reason: str | None = None  # e.g. "content_filter" (OpenAI) / "refusal" (Anthropic's stop_reason)


@dataclass
class LogEntry:
    key: str  # hash of the request's model + messages (+ system): the same question, the same key
    route: str
    outcome: str  # "ok", "rate_limit", "server_error", "drop", "slow", "malformed", "unauthorized"
    time: float
    delivered: bool = False  # a complete 200 response was written


def default_responder(route: str, body: dict[str, Any]) -> Reply:
    """A deterministic answer: two 'Title Number N' titles picked by hashing the last user turn."""
    last = next((m.get("content", "") for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
    h = int(hashlib.sha256(str(last).encode()).hexdigest()[:8], 16)
    return Reply(f"Title Number {h % 40} [SEP] Title Number {(h // 40) % 40}")


def request_key(route: str, body: dict[str, Any]) -> str:
    blob = json.dumps(
        {"route": route, "model": body.get("model"), "system": body.get("system"), "messages": body.get("messages")}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


@dataclass
class LLMServer:
    """The server. `with LLMServer(...) as server:` starts it; `server.url` is its base URL."""

    latency: float = 0.0
    faults: Faults = field(default_factory=Faults)
    responder: Callable[[str, dict[str, Any]], Reply] = default_responder
    reasoning_style: str = "field"  # openai route: "field" (reasoning_content) or "think_tags"
    api_key: str | None = None  # when set, requests must carry it
    echo_key_in_errors: bool = False  # error bodies quote the key received (tests that rbh scrubs it)
    seed: int = 0
    rate_per_s: float | None = None  # a token bucket: requests beyond it get 429 with Retry-After (the wait for a token)
    burst: float | None = None  # the bucket's size (default: one second of `rate_per_s`)
    host: str = "127.0.0.1"
    port: int = 0
    log: list[LogEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self.connections = 0
        self._tokens = self.burst if self.burst is not None else (self.rate_per_s or 0.0)
        self._refilled = time.monotonic()

    def _take_token(self) -> float:
        """0 when the bucket had a token for this request (taken), else the seconds until it will."""
        assert self.rate_per_s is not None
        capacity = self.burst if self.burst is not None else self.rate_per_s
        now = time.monotonic()
        self._tokens = min(capacity, self._tokens + (now - self._refilled) * self.rate_per_s)
        self._refilled = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self.rate_per_s

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LLMServer":
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, self.host, self.port, backlog=1024))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="llm-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._server is None:
            return
        loop, server = self._loop, self._server

        async def shutdown() -> None:
            server.close()
            for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> "LLMServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the tests look at ----------------------------------------------------------------
    def delivered(self) -> Counter[str]:
        """How many times each request key got a complete 200 answer."""
        with self._lock:
            return Counter(e.key for e in self.log if e.delivered)

    def duplicates(self) -> dict[str, int]:
        return {k: n for k, n in self.delivered().items() if n > 1}

    def outcomes(self) -> Counter[str]:
        with self._lock:
            return Counter(e.outcome for e in self.log)

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    # -- HTTP ----------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                method, path, headers, body = request
                keep = await self._respond(method, path, headers, body, writer)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            try:
                writer.close()
            except Exception:  # noqa: BLE001
                pass

    async def _respond(self, method: str, path: str, headers: dict[str, str], raw: bytes, writer: asyncio.StreamWriter) -> bool:
        path = path.split("?", 1)[0].rstrip("/")
        route = {"/v1/chat/completions": "openai", "/chat/completions": "openai", "/v1/messages": "anthropic"}.get(path)
        if method != "POST" or route is None:
            await _send(writer, 404, {"error": {"message": f"no route {method} {path}"}})
            return True
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            await _send(writer, 400, {"error": {"message": "invalid JSON body"}})
            return True
        key = request_key(route, body)
        entry = LogEntry(key, route, "ok", time.time())
        with self._lock:
            self.log.append(entry)
            roll = self._rng.random()
        if self.api_key is not None and self.api_key not in (
            headers.get("x-api-key"),
            headers.get("authorization", "").removeprefix("Bearer "),
        ):
            entry.outcome = "unauthorized"
            wrong = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")
            detail = f"invalid API key {wrong}" if self.echo_key_in_errors else "invalid x-api-key / Authorization"
            await _send(writer, 401, _error(route, "authentication_error", detail))
            return True
        if self.rate_per_s is not None:
            with self._lock:
                wait = self._take_token()
            if wait > 0:
                entry.outcome = "rate_limit"
                await _send(writer, 429, _error(route, "rate_limit_error", "rate limit reached"), {"Retry-After": f"{wait:.3f}"})
                return True
        fault = self._pick(roll)
        sent_key = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")
        quote = f" (request key {sent_key})" if self.echo_key_in_errors else ""
        entry.outcome = fault or "ok"
        if self.latency:
            await asyncio.sleep(self.latency)
        if fault == "drop":
            writer.transport.abort()
            return False
        if fault == "rate_limit":
            await _send(writer, 429, _error(route, "rate_limit_error", "rate limited" + quote), {"Retry-After": self.faults.retry_after})
            return True
        if fault == "server_error":
            await _send(writer, 500, _error(route, "api_error", "internal error" + quote))
            return True
        if fault == "malformed":
            await _send_raw(writer, 200, b'{"id": "x", "choices": [{"message": ', "application/json")
            return True
        if fault == "slow":
            await asyncio.sleep(self.faults.slow_s)
        reply = self.responder(route, body)
        payload = self._openai_body(body, reply) if route == "openai" else self._anthropic_body(body, reply)
        await _send(writer, 200, payload)
        entry.delivered = fault is None  # a slow answer arrives after the client gave up
        return True

    def _pick(self, roll: float) -> str | None:
        edge = 0.0
        for name in FAULTS:
            edge += getattr(self.faults, name)
            if roll < edge:
                return name
        return None

    def _openai_body(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.tool_calls:
            message["tool_calls"] = [
                {"id": f"call_{n}", "type": "function", "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])}}
                for n, c in enumerate(reply.tool_calls)
            ]
        if reply.reasoning and self.reasoning_style == "think_tags":
            message["content"] = f"<think>{reply.reasoning}</think>\n{reply.text}"
        elif reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        return {
            "id": "chatcmpl-" + request_key("openai", body),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [
                {"index": 0, "message": message, "finish_reason": reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")}
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": len(reply.text.split()) + len((reply.reasoning or "").split()),
                "total_tokens": prompt + len(reply.text.split()) + len((reply.reasoning or "").split()),
                "completion_tokens_details": {"reasoning_tokens": len((reply.reasoning or "").split())},
            },
        }

    def _anthropic_body(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if reply.reasoning:
            content.append({"type": "thinking", "thinking": reply.reasoning, "signature": "sig"})
        if reply.text:
            content.append({"type": "text", "text": reply.text})
        for n, call in enumerate(reply.tool_calls or ()):
            content.append({"type": "tool_use", "id": f"toolu_{n}", "name": call["name"], "input": call["arguments"]})
        prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", [])) + len(str(body.get("system") or "").split())
        return {
            "id": "msg_" + request_key("anthropic", body),
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": reply.finish_reason or ("tool_use" if reply.tool_calls else "end_turn"),
            "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": len(reply.text.split())},
        }


def _error(route: str, kind: str, message: str) -> dict[str, Any]:
    if route == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": kind, "code": None}}


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")  # the request line and headers in one read
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split()
    if len(parts) < 2:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    return parts[0], parts[1], headers, body


async def _send(writer: asyncio.StreamWriter, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None) -> None:
    await _send_raw(writer, status, json.dumps(payload).encode(), "application/json", extra)


async def _send_raw(writer: asyncio.StreamWriter, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
    reason = {
        200: "OK",
        400: "Bad Request",
        401: "Unauthorized",
        404: "Not Found",
        429: "Too Many Requests",
        500: "Internal Server Error",
    }.get(status, "Status")
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {ctype}", f"Content-Length: {len(data)}", "Connection: keep-alive"]
    head += [f"{k}: {v}" for k, v in (extra or {}).items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
    await writer.drain()


def serve_forever(server: Any) -> None:
    """Print a started server's port (for the benchmark that spawned it) and serve until Ctrl-C."""
    print(server.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="fake OpenAI/Anthropic server for benchmarks")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--rate", type=float, default=None, help="a token bucket of this many requests per second (429 beyond it)")
    args = parser.parse_args()
    serve_forever(LLMServer(latency=args.latency, port=args.port, rate_per_s=args.rate).start())


if __name__ == "__main__":
    main()
