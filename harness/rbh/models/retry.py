"""When to retry a failed request: exponential backoff with jitter, a server's Retry-After as a floor."""

from __future__ import annotations

import random
from dataclasses import dataclass


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
