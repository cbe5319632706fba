"""The `direct` transport of the openai backend: Chat Completions posted with aiohttp, no SDK.

An OpenAI-compatible server (vLLM serve, llama.cpp server, Ollama, TGI) needs nothing of the
SDK but a POST of the JSON body with a bearer key. Without it a run starts about 0.5 s sooner
(the SDK imports its whole type tree) and spends about a third of the CPU per request
(docs/backends.md, "Throughput"). Errors are classified exactly as the SDK path classifies
them: HTTP statuses by code and Retry-After, refused or unresolvable connections as
unreachable, dropped connections and malformed bodies retried.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rbh import __version__
from rbh.models import Failure, classify_other, classify_status, connection_cause, short

if TYPE_CHECKING:
    import aiohttp


class HttpStatusError(Exception):
    """An HTTP error status from the server, with its headers (for Retry-After)."""

    def __init__(self, status: int, headers: Mapping[str, str], detail: str):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.headers = dict(headers)
        self.detail = detail


class DirectClient:
    """One aiohttp session for a task's requests (opened inside the backend's event loop)."""

    def __init__(self, base_url: str, api_key: str | None):
        import aiohttp

        headers = {"Content-Type": "application/json", "User-Agent": f"rbh/{__version__}"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.base_url = base_url.rstrip("/")
        # no connection limit of its own (the backend's adaptive limit is the one), timeouts by
        # the backend per attempt, proxies from the environment as the SDK's transports do
        self.session: aiohttp.ClientSession = aiohttp.ClientSession(
            headers=headers, connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=None), trust_env=True
        )

    async def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST a JSON body; the parsed JSON answer, or HttpStatusError for a status >= 400."""
        async with self.session.post(self.base_url + path, data=json.dumps(body)) as response:
            raw = await response.read()
            if response.status >= 400:
                raise HttpStatusError(response.status, response.headers, error_detail(raw))
        return json.loads(raw)

    async def close(self) -> None:
        await self.session.close()


def error_detail(raw: bytes) -> str:
    """The message of an error body (`{"error": {"message": ...}}` or `{"message": ...}`), else its text."""
    try:
        body = json.loads(raw)
    except ValueError:
        return short(raw.decode("utf-8", "replace"))
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return short(str(error["message"]))
    if isinstance(error, str):
        return short(error)
    if isinstance(body, dict) and body.get("message"):
        return short(str(body["message"]))
    return short(raw.decode("utf-8", "replace"))


def classify_direct(backend: str, exc: BaseException) -> Failure:
    """What a failed attempt of the direct transport means (as `classify_sdk_error` for the SDK)."""
    import aiohttp

    if isinstance(exc, HttpStatusError):
        return classify_status(backend, exc.status, exc.headers, exc.detail)
    refused = connection_cause(exc)
    if refused is None and isinstance(exc, aiohttp.ClientConnectorError):
        refused = exc.os_error
    if refused is not None:
        return Failure(f"{backend}: cannot connect: {type(refused).__name__}: {short(str(refused))}", unreachable=True)
    if isinstance(exc, aiohttp.ClientError):
        return Failure(f"{backend}: connection error: {type(exc).__name__}: {short(str(exc))}")
    return classify_other(backend, exc)
