"""The shared async machinery: backoff honouring Retry-After, the 429-adaptive limit, status
classification, and the thread bridge yielding completions as they finish."""

from __future__ import annotations

import asyncio
import random
import time
from email.utils import formatdate

from rbh.models.adaptive_limit import AdaptiveLimit
from rbh.models.base import ChatRequest, Completion
from rbh.models.concurrency import AsyncBackend
from rbh.models.failures import Failure, classify_status, parse_retry_after
from rbh.models.retry import RetryPolicy


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8)
    rng = random.Random(0)
    for attempt in range(6):
        cap = min(8, 0.5 * 2**attempt)
        d = policy.delay(attempt, rng=rng)
        assert cap / 2 <= d <= cap
    assert 3.0 <= policy.delay(0, retry_after=3.0, rng=rng) <= 3.31  # a floor, a little spread on top
    assert policy.delay(0, retry_after=3600, rng=rng) <= 8 + 1  # capped at max_delay


def test_parse_retry_after() -> None:
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "150", "retry-after": "9"}) == 0.15
    assert 55 <= (parse_retry_after({"retry-after": formatdate(time.time() + 60, usegmt=True)}) or 0) <= 61
    assert parse_retry_after({}) is None and parse_retry_after({"retry-after": "soon"}) is None


def test_classify_status() -> None:
    assert classify_status("openai", 429, {"retry-after": "1"}, "slow down") == Failure(
        "openai: HTTP 429: slow down", retry_after=1.0, rate_limited=True
    )
    assert classify_status("openai", 500, None, "x").retryable
    assert classify_status("openai", 400, None, "bad").retryable is False
    assert classify_status("openai", 401, None, "no").fatal


def test_adaptive_limit_halves_once_per_burst_and_grows_back() -> None:
    async def scenario() -> None:
        limit = AdaptiveLimit(64)
        epochs = [await limit.acquire() for _ in range(40)]
        for e in epochs[:10]:  # ten 429s from requests sent under the same limit: one cut
            limit.on_rate_limit(e)
        assert (limit.limit, limit.cuts) == (32, 1)
        for _ in epochs:
            await limit.release()
        limit.on_rate_limit(await limit.acquire())  # a 429 on a request sent after the cut cuts again
        await limit.release()
        assert limit.limit == 16
        for _ in range(500):
            limit.on_success()
        assert limit.limit == 64

    asyncio.run(asyncio.wait_for(scenario(), 5))


def test_adaptive_limit_passes_on_a_wake_up_its_waiter_cannot_use() -> None:
    async def scenario() -> None:
        limit = AdaptiveLimit(1)
        await limit.acquire()
        first, second = asyncio.create_task(limit.acquire()), asyncio.create_task(limit.acquire())
        await asyncio.sleep(0)  # both wait for the one slot
        await limit.release()  # wakes `first`...
        first.cancel()  # ...which gives up before it runs: `second` must get the slot
        assert await asyncio.wait_for(second, 1) == 0
        assert limit.in_flight == 1

    asyncio.run(scenario())


def test_adaptive_limit_serves_waiters_in_order() -> None:
    """Two releases in a row hand their slots to the two longest waiters; none is woken for a slot
    another already took and sent to the back of the queue (a run's first task then finished
    last: its requests were overtaken by later tasks')."""

    async def scenario() -> list[int]:
        limit = AdaptiveLimit(2)
        await limit.acquire()
        await limit.acquire()
        order: list[int] = []

        async def one(n: int) -> None:
            await limit.acquire()
            order.append(n)
            await asyncio.sleep(0)
            await limit.release()

        tasks = [asyncio.create_task(one(n)) for n in range(10)]
        await asyncio.sleep(0)  # all ten queue
        await limit.release()
        await limit.release()
        await asyncio.gather(*tasks)
        assert limit.in_flight == 0
        return order

    assert asyncio.run(asyncio.wait_for(scenario(), 5)) == list(range(10))


def test_bridge_yields_in_completion_order_within_the_limit() -> None:
    in_flight, peak = 0, 0

    async def call(client: object, request: ChatRequest) -> Completion:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05 if request.key == "0" else 0.001)
        in_flight -= 1
        return Completion(text=request.key)

    async def open_client() -> object:
        return object()

    backend: AsyncBackend[object] = AsyncBackend(open=open_client, call=call, classify=lambda e: Failure(str(e)), concurrency=3)
    order = [i for i, _ in backend.generate([ChatRequest(key=str(i), messages=()) for i in range(10)])]
    assert sorted(order) == list(range(10)) and order[-1] == 0  # the slow one arrives last
    assert peak <= 3


def test_retries_then_reports_the_failure() -> None:
    attempts: dict[str, int] = {}

    async def call(client: object, request: ChatRequest) -> Completion:
        attempts[request.key] = attempts.get(request.key, 0) + 1
        if request.key == "bad" or attempts[request.key] < 3:
            raise ConnectionError("boom")
        return Completion(text="ok")

    async def open_client() -> object:
        return object()

    backend: AsyncBackend[object] = AsyncBackend(
        open=open_client, call=call, classify=lambda e: Failure(f"x: {e}"), policy=RetryPolicy(max_retries=3, base_delay=0.001)
    )
    out = dict(backend.generate([ChatRequest(key="good", messages=()), ChatRequest(key="bad", messages=())]))
    assert out[0].text == "ok" and attempts["good"] == 3
    assert out[1].error == "x: boom (gave up after 4 attempts)" and attempts["bad"] == 4
