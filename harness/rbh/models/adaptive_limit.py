"""A concurrency limit that follows the server's rate limit (AIMD), handing slots out in order."""

from __future__ import annotations

import asyncio
import collections


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
