"""Async machinery shared by the API backends (docs/design.md §7): bounded, 429-adaptive concurrency,
retries with exponential backoff + jitter that honour `Retry-After`, a per-request timeout,
and a bridge that lets the synchronous runner consume completions as they finish.

A backend supplies three things: `open()` (an async client made inside the event loop),
`call(client, request)` (one attempt) and `classify(exc)` (what a failed attempt means).
"""

from __future__ import annotations

import asyncio
import collections
import email.utils
import queue
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from rbh.errors import UsageError
from rbh.models.base import ChatRequest, Completion

C = TypeVar("C")  # the backend's client type


@dataclass(frozen=True)
class Failure:
    """What one failed attempt means for the retry loop."""

    message: str
    retryable: bool = True
    retry_after: float | None = None  # seconds the server asked us to wait
    rate_limited: bool = False  # a 429 (or 529 overloaded): shrink concurrency
    fatal: bool = False  # every request would fail the same way (bad key): abort the run
    unreachable: bool = False  # the server could not be reached at all (refused, DNS, no route)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a server's Retry-After is a floor, capped at `max_delay`."""

    max_retries: int = 8
    base_delay: float = 0.5
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number `attempt + 1` (attempt counts from 0)."""
        draw = rng.uniform if rng is not None else random.uniform
        backoff = min(self.max_delay, self.base_delay * (2**attempt))
        jittered = backoff / 2 + draw(0, backoff / 2)  # "equal jitter": spread out, never ~0
        if retry_after is None:
            return jittered
        honoured = min(self.max_delay, max(0.0, retry_after))
        return honoured + draw(0, min(1.0, 0.1 * honoured + 0.01))  # a little spread on top


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms`, or `Retry-After` (seconds, fractional allowed, or an HTTP date)."""
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None  # unreadable: fall back to our own backoff


RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
FATAL_STATUS = {401: "the server rejected the API key", 404: "model or endpoint not found"}


def classify_status(backend: str, status: int, headers: Mapping[str, str] | None, detail: str) -> Failure:
    """What an HTTP error status means: retry (429/5xx), abort the run (401/404) or give up on it."""
    retry_after = parse_retry_after(headers)
    text = f"{backend}: HTTP {status}: {detail}".strip().rstrip(":")
    if status in FATAL_STATUS:
        return Failure(f"{backend}: {FATAL_STATUS[status]} (HTTP {status}): {detail}", retryable=False, fatal=True)
    if status in (429, 529):
        return Failure(text, retry_after=retry_after, rate_limited=True)
    if status in RETRYABLE_STATUS or status >= 500:
        return Failure(text, retry_after=retry_after)
    return Failure(text, retryable=False)


def classify_other(backend: str, exc: BaseException) -> Failure:
    """A failure that is not an HTTP status: a bug in rbh (same for every request) aborts the run;
    anything else (malformed JSON, a response that does not validate) is retried."""
    detail = " ".join(str(exc).split())[:300]
    if isinstance(exc, (TypeError, AttributeError, NameError)):
        return Failure(f"{backend}: internal error: {type(exc).__name__}: {detail}", retryable=False, fatal=True)
    return Failure(f"{backend}: malformed response: {type(exc).__name__}: {detail}")


def split_sdk_kwargs(method: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for an SDK method: the ones its signature names, the rest in `extra_body`
    (SDK versions differ in which request fields they type; the server accepts them all)."""
    import inspect

    accepted = set(inspect.signature(method).parameters)
    kwargs = {k: v for k, v in params.items() if k in accepted and k != "extra_body"}
    extra = {**{k: v for k, v in params.items() if k not in accepted and k != "extra_body"}, **dict(params.get("extra_body") or {})}
    if extra:
        kwargs["extra_body"] = extra
    return kwargs


class AdaptiveLimit:
    """A concurrency limit that halves on a rate limit and grows back on success (AIMD).

    Each acquired slot carries the current epoch; only a 429 on a request sent *after* the last
    cut may cut again, so one burst of 429s halves the limit once, not to 1. Used from one event
    loop only, so it needs no lock: a free slot is taken without awaiting anything.
    """

    def __init__(self, maximum: int, minimum: int = 1):
        self.maximum = max(1, int(maximum))
        self.minimum = max(1, min(int(minimum), self.maximum))
        self.limit = self.maximum
        self.in_flight = 0
        self.epoch = 0
        self.cuts = 0
        self._successes = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def acquire(self) -> int:
        """A slot, first come first served: a free slot is taken at once only when nobody is
        waiting; otherwise the caller queues, and a release hands its slot to the longest waiter
        (counted in flight from then on), so no request is overtaken by later ones."""
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
            return self.epoch
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed a slot it will not use: pass it on
                self.in_flight -= 1
                self._wake()
            raise
        return self.epoch

    async def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        """Hand the free slots to the longest waiters, one each (never wake all: that is
        quadratic with 30,000 queued requests)."""
        while self.in_flight < self.limit and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # a cancelled waiter is done
                self.in_flight += 1
                waiter.set_result(None)

    def on_success(self) -> None:
        """Grow by one after every `limit/8` successes (about +12% per window); the new slot is
        taken by the waiter the next release wakes."""
        if self.limit >= self.maximum:
            return
        self._successes += 1
        if self._successes >= max(1, self.limit // 8):
            self._successes = 0
            self.limit += 1

    def on_rate_limit(self, epoch: int) -> None:
        if epoch != self.epoch:
            return
        self.epoch += 1
        self.cuts += 1
        self._successes = 0
        self.limit = max(self.minimum, self.limit // 2)


class FatalBackendError(UsageError):
    """Every request would fail the same way (e.g. the server rejects the API key)."""


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
