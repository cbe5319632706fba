"""The async engine shared by the API backends (docs/design.md §7): requests run with bounded,
429-adaptive concurrency (`rbh.models.adaptive_limit`), retried per `rbh.models.retry` as
`rbh.models.failures` classifies each failure, each within a timeout, and a bridge lets the
synchronous runner consume completions as they finish.

A backend supplies three things: `open()` (an async client made inside the event loop),
`call(client, request)` (one attempt) and `classify(exc)` (what a failed attempt means).
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from rbh.models.adaptive_limit import AdaptiveLimit
from rbh.models.base import ChatRequest, Completion
from rbh.models.failures import Failure, FatalBackendError
from rbh.models.retry import RetryPolicy

C = TypeVar("C")  # the backend's client type


@dataclass
class AsyncBackend(Generic[C]):
    """Runs requests concurrently against an async client and yields completions as they finish."""

    open: Callable[[], Awaitable[C]]
    call: Callable[[C, ChatRequest], Awaitable[Completion]]
    classify: Callable[[BaseException], Failure]
    concurrency: int = 32
    timeout: float = 120.0
    policy: RetryPolicy = RetryPolicy()
    close: Callable[[C], Awaitable[None]] | None = None
    redact: Callable[[str], str] = lambda text: text
    limit: AdaptiveLimit | None = None  # the last run's limit (for tests and stats)
    unreachable_after: float = 20.0  # give up on the whole run when nothing got through for this long
    _unreachable_since: float | None = None

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        """Yield (index, completion) in completion order; an event loop runs in a worker thread,
        so the consumer's work (cache writes, progress) never holds up the requests in flight."""
        if not requests:
            return
        out: queue.Queue[Any] = queue.Queue()
        loop = asyncio.new_event_loop()
        task = loop.create_task(self._run_all(requests, out.put))

        def worker() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(task)
            except BaseException as exc:  # noqa: BLE001 — handed over to the consumer thread
                out.put(_Raised(exc))
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()
                out.put(_DONE)

        thread = threading.Thread(target=worker, name="rbh-async-backend", daemon=True)
        thread.start()
        finished = False
        try:
            while True:
                item = out.get()
                if item is _DONE:
                    finished = True
                    return
                if isinstance(item, _Raised):
                    if not isinstance(item.exc, asyncio.CancelledError):
                        raise item.exc
                    continue
                yield item
        finally:
            if not finished:  # the consumer stopped early (error, Ctrl-C): cancel in-flight work
                try:
                    loop.call_soon_threadsafe(task.cancel)
                except RuntimeError:  # loop already closed
                    pass
                thread.join(timeout=10)

    def _check_reachable(self, message: str) -> None:
        """Connection failures with no success in between, for longer than `unreachable_after`,
        end the run: retrying each request for minutes would only hide a dead endpoint."""
        now = time.monotonic()
        if self._unreachable_since is None:
            self._unreachable_since = now
        elif now - self._unreachable_since >= self.unreachable_after:
            raise FatalBackendError(_unreachable_message(message, now - self._unreachable_since))

    async def _run_all(self, requests: Sequence[ChatRequest], emit: Callable[[Any], None]) -> None:
        self.limit = AdaptiveLimit(self.concurrency)
        self._unreachable_since = None
        client = await self.open()
        try:
            tasks = [asyncio.create_task(self._one(client, i, r, emit)) for i, r in enumerate(requests)]
            try:
                for done in asyncio.as_completed(tasks):
                    await done  # re-raises a fatal error at once
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            if self.close is not None:
                await self.close(client)

    async def _one(self, client: C, index: int, request: ChatRequest, emit: Callable[[Any], None]) -> None:
        """One request through its retries; emits exactly one completion (or raises a fatal error)."""
        assert self.limit is not None
        limit = self.limit
        started = time.perf_counter()
        attempt = 0
        while True:
            epoch = await limit.acquire()
            t0 = time.perf_counter()
            try:
                completion = await _within(self.call(client, request), self.timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 — every failure is classified
                timed_out = isinstance(exc, asyncio.TimeoutError)
                failure = Failure(f"timed out after {self.timeout:g}s") if timed_out else self.classify(exc)
            else:
                limit.on_success()
                self._unreachable_since = None
                emit((index, replace(completion, latency_s=round(time.perf_counter() - t0, 4))))
                return
            finally:
                await limit.release()
            message = self.redact(failure.message)
            if failure.fatal:
                raise FatalBackendError(message)
            if failure.unreachable:
                self._check_reachable(message)
            if failure.rate_limited:
                limit.on_rate_limit(epoch)
            if not failure.retryable or attempt >= self.policy.max_retries:
                tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                emit((index, Completion(error=f"{message} (gave up after {tries})", latency_s=round(time.perf_counter() - started, 4))))
                return
            await asyncio.sleep(self.policy.delay(attempt, failure.retry_after))
            attempt += 1


def _unreachable_message(message: str, seconds: float) -> str:
    return f"{message} — no request has got through for {seconds:.0f} s, so the run stops (completed responses are cached)"


async def _within(call: Awaitable[Completion], seconds: float) -> Completion:
    """Await `call`, raising TimeoutError after `seconds`. `asyncio.timeout` (3.11+) cancels in
    place; `wait_for` wraps each call in a task of its own, which costs CPU per request."""
    if hasattr(asyncio, "timeout"):
        async with asyncio.timeout(seconds):
            return await call
    return await asyncio.wait_for(call, seconds)


class _Raised:
    def __init__(self, exc: BaseException):
        self.exc = exc


_DONE = object()
