"""The provider batch interface (docs/design.md §7, batch mode): what a backend implements so that the
completion service can send its requests through a provider's batch API instead of live calls.

The service owns everything generic (which requests go into which batch, recording batch ids in
the cache database before waiting, polling, resuming, re-sending failures, the budget); a
backend only talks to its provider: submit, poll, read results, cancel.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rbh.models.base import ChatRequest, Completion

# the model args of batch mode and pricing: transport-only, never part of a cache key
BATCH_ARGS: tuple[str, ...] = ("batch", "batch_size", "batch_poll", "batch_wait", "batch_retry")
PRICE_ARGS: tuple[str, ...] = ("price_in", "price_out", "price_cached_in")
BATCH_RETRY_CHOICES = ("batch", "live", "fail")

TERMINAL = frozenset({"completed", "ended", "failed", "expired", "cancelled", "canceled"})


@dataclass(frozen=True)
class BatchOptions:
    """How batch mode runs: requests per batch, seconds between polls, how long to wait at most,
    and what happens to requests a batch did not complete (`batch`: a new batch, `live`: live
    calls with retries, `fail`: failed samples)."""

    size: int = 50_000
    poll_s: float = 30.0
    wait_s: float = 26 * 3600.0
    retry: str = "batch"
    rounds: int = 3  # batches per request at most (the first one and its re-batches)


@dataclass(frozen=True)
class BatchStatus:
    """One poll of a batch: its provider state and request counts."""

    state: str  # the provider's word: validating, in_progress, finalizing, completed, ended, ...
    total: int = 0
    completed: int = 0
    failed: int = 0

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL


@dataclass(frozen=True)
class BatchResult:
    """One request's outcome in a finished batch. `retryable` failures (expired, cancelled, 429 or
    5xx lines) may be sent again; others (a 400 for a malformed request) stay failed."""

    custom_id: str
    completion: Completion
    retryable: bool = False


class BatchApi(ABC):
    """A provider's batch endpoints, used synchronously by the completion service.

    `custom_id`s are the requests' cache keys, so results map back to requests (and to the
    cache) without any other record.
    """

    @abstractmethod
    def submit(self, requests: Sequence[ChatRequest]) -> str:
        """Create one batch of `requests` (custom_id = request key); return its id."""

    @abstractmethod
    def poll(self, batch_id: str) -> BatchStatus:
        """The batch's state now."""

    @abstractmethod
    def results(self, batch_id: str) -> Iterator[BatchResult]:
        """The outcome of every request the finished batch settled (requests it never reached may
        be missing: the service treats them as retryable failures)."""

    @abstractmethod
    def cancel(self, batch_id: str) -> BatchStatus:
        """Ask the provider to cancel the batch."""

    def close(self) -> None:
        """Release the client."""
