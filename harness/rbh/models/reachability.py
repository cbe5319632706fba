"""Failing fast on an endpoint that cannot be reached: one TCP connection (DNS lookup included)
to the API's host, bounded in time, before the first request of a run — instead of every
request timing out through all its retries."""

from __future__ import annotations

import asyncio
import os
import socket
from urllib.parse import urlsplit

from rbh.errors import UsageError

PROXY_VARIABLES = ("https_proxy", "http_proxy", "all_proxy")


class UnreachableError(UsageError):
    """The endpoint did not accept a connection: nothing was sent."""


def uses_proxy() -> bool:
    """Requests go through a proxy (then the proxy, not rbh, reaches the endpoint)."""
    return any(os.environ.get(name) or os.environ.get(name.upper()) for name in PROXY_VARIABLES)


def check_reachable(backend: str, url: str, timeout: float = 10.0) -> None:
    """Open (and close) one TCP connection to the URL's host and port within `timeout` seconds,
    or raise UnreachableError naming the endpoint and the reason."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise UsageError(f"{backend}: base_url {url!r} has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        asyncio.run(asyncio.wait_for(_connect(host, port), timeout))
    except asyncio.TimeoutError:
        raise UnreachableError(
            f"{backend}: cannot reach {url}: no answer from {host}:{port} within {timeout:g} s (nothing was sent)"
        ) from None
    except socket.gaierror as exc:
        raise UnreachableError(f"{backend}: cannot reach {url}: cannot resolve {host} ({exc.strerror}) (nothing was sent)") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UnreachableError(f"{backend}: cannot reach {url}: {reason} ({host}:{port}) (nothing was sent)") from None


async def _connect(host: str, port: int) -> None:
    _, writer = await asyncio.open_connection(host, port)
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
