"""What a failed request to an HTTP API means — retry it (and after how long), slow down (a rate
limit), give up on it, or abort the run (every request would fail alike: a rejected key) — from
its HTTP status and headers or its exception."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass

from rbh.errors import UsageError


@dataclass(frozen=True)
class Failure:
    """What one failed attempt means for the retry loop."""

    message: str
    retryable: bool = True
    retry_after: float | None = None  # seconds the server asked us to wait
    rate_limited: bool = False  # a 429 (or 529 overloaded): shrink concurrency
    fatal: bool = False  # every request would fail the same way (bad key): abort the run
    unreachable: bool = False  # the server could not be reached at all (refused, DNS, no route)


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


class FatalBackendError(UsageError):
    """Every request would fail the same way (e.g. the server rejects the API key)."""
