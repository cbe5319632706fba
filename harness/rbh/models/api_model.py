"""The common base of HTTP API backends: the API key, the retrying async backend, redaction."""

from __future__ import annotations

import errno
import importlib
import os
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from rbh.errors import UsageError
from rbh.models.api_keys import resolve_api_key
from rbh.models.base import ChatRequest, Completion, Model
from rbh.models.batch import BATCH_ARGS, BATCH_RETRY_CHOICES, PRICE_ARGS, BatchApi, BatchOptions
from rbh.models.concurrency import AsyncBackend
from rbh.models.failures import Failure, classify_other, classify_status
from rbh.models.reachability import check_reachable, uses_proxy
from rbh.models.retry import RetryPolicy
from rbh.secrets import scrub

_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL}


class ApiModel(Model):
    """A backend that sends each request to an HTTP API through an async SDK client.

    Subclasses implement `_open` (create the client), `_call` (one request), `_close` and
    `classify` (which failures are retried). A subclass's constructor names only its own
    arguments (and defaults it changes) and passes `**base_args` on: the common arguments below
    are inherited, checked and documented once (`rbh.models.arguments`). Build the SDK client
    from the public `api_key`, `base_url` and `timeout`.
    """

    needs_model_name = True
    needs_key = True
    secret_args: ClassVar[tuple[str, ...]] = ("api_key",)
    transport_args: ClassVar[tuple[str, ...]] = (
        "api_key_env",
        "concurrency",
        "timeout",
        "max_retries",
        "retry_base_delay",
        *BATCH_ARGS,
        *PRICE_ARGS,
    )
    default_key_env: ClassVar[str]
    default_base_url: ClassVar[str] = ""  # where the SDK sends requests without base_url
    base_url_env: ClassVar[str] = ""  # the SDK's environment variable for the base URL
    reachability_timeout: ClassVar[float] = 10.0
    sdk_modules: ClassVar[tuple[str, ...]] = ()  # imported when the model is built, not on its first request
    key_optional_with_base_url: ClassVar[bool] = True  # a server of your own may need no key (vLLM serve, Ollama)

    def __init__(
        self,
        model_name: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = None,
        concurrency: int = 32,
        timeout: float = 120.0,
        max_retries: int = 8,
        retry_base_delay: float = 0.5,
        batch: bool = False,
        batch_size: int = 50_000,
        batch_poll: float = 30.0,
        batch_wait: float = 26 * 3600.0,
        batch_retry: str = "batch",
        price_in: float | None = None,
        price_out: float | None = None,
        price_cached_in: float | None = None,
        **own_args: Any,
    ) -> None:
        """Record the model args (unset base_url/api_key/api_key_env left out), resolve the key (a
        missing one is a one-line usage error), import the SDK and build the retrying backend.
        Importing here keeps the SDK's start-up (about 0.7 s for openai) out of the request loop,
        and a missing SDK fails before any prompt is rendered."""
        passed = {k: v for k, v in dict(base_url=base_url, api_key=api_key, api_key_env=api_key_env).items() if v is not None}
        prices = {k: v for k, v in dict(price_in=price_in, price_out=price_out, price_cached_in=price_cached_in).items() if v is not None}
        batch_args = (
            dict(batch=True, batch_size=batch_size, batch_poll=batch_poll, batch_wait=batch_wait, batch_retry=batch_retry) if batch else {}
        )
        if batch_retry not in BATCH_RETRY_CHOICES:
            raise UsageError(f"{self.name}: batch_retry must be one of {', '.join(BATCH_RETRY_CHOICES)}, got {batch_retry!r}")
        if int(batch_size) < 1 or float(batch_poll) <= 0 or float(batch_wait) <= 0:
            raise UsageError(f"{self.name}: batch_size, batch_poll and batch_wait must be positive")
        super().__init__(
            model_name,
            **passed,
            **batch_args,
            **prices,
            concurrency=concurrency,
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
            **own_args,
        )
        self.base_url = base_url
        self._batch = (
            BatchOptions(size=int(batch_size), poll_s=float(batch_poll), wait_s=float(batch_wait), retry=batch_retry) if batch else None
        )
        self._key = resolve_api_key(
            self.name,
            api_key=api_key,
            api_key_env=api_key_env,
            default_env=self.default_key_env,
            custom_server=base_url is not None and self.key_optional_with_base_url,
        )
        for module in self.sdk_imports():
            import_sdk(self.name, module)
        self.backend: AsyncBackend[Any] = AsyncBackend(
            open=self._open,
            call=self._call,
            classify=self.classify,
            close=self._close,
            concurrency=int(concurrency),
            timeout=float(timeout),
            policy=RetryPolicy(max_retries=int(max_retries), base_delay=float(retry_base_delay)),
            redact=self.redact,
        )

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        return self.backend.generate(requests)

    @property
    def api_key(self) -> str:
        """The resolved API key, for building the SDK client (never log it: `redact` scrubs it)."""
        return self._key

    @property
    def timeout(self) -> float:
        """Seconds one request may take (`--model-args timeout=...`)."""
        return self.backend.timeout

    @property
    def endpoint(self) -> str:
        """The URL requests go to: `base_url`, else the SDK's environment variable, else its default."""
        return self.base_url or (os.environ.get(self.base_url_env, "") if self.base_url_env else "") or self.default_base_url

    def preflight(self) -> None:
        """Fail in seconds, with one line naming the endpoint, when it does not accept connections
        (skipped behind a proxy, which reaches the endpoint for us)."""
        if self.endpoint and not uses_proxy():
            check_reachable(self.name, self.endpoint, self.reachability_timeout)

    @property
    def batch_options(self) -> BatchOptions | None:
        return self._batch

    def batch_api(self) -> BatchApi:
        """The provider's batch endpoints (backends with a batch API override this)."""
        raise UsageError(f"{self.name} has no batch mode")

    def redact(self, text: str) -> str:
        """Remove the API key from any text that may reach results or logs."""
        return scrub(text, [self._key])

    @abstractmethod
    async def _open(self) -> Any: ...

    @abstractmethod
    async def _close(self, client: Any) -> None: ...

    @abstractmethod
    async def _call(self, client: Any, request: ChatRequest) -> Completion: ...

    def classify(self, exc: BaseException) -> Failure:
        """What a failed attempt means. The default reads the exception types that the official
        (Stainless-generated) SDKs share: APIStatusError, APITimeoutError, APIConnectionError."""
        modules = self.sdk_imports()
        return classify_sdk_error(self.name, exc, importlib.import_module(modules[0]) if modules else None)

    def sdk_imports(self) -> tuple[str, ...]:
        """The SDK modules this instance sends through (`sdk_modules`; a backend with an SDK-free
        transport returns none for it), imported when it is built."""
        return self.sdk_modules


def short(text: str, limit: int = 300) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify_sdk_error(backend: str, exc: BaseException, sdk: Any) -> Failure:
    """Classify an exception of an official SDK (`openai`, `anthropic`): HTTP statuses by code
    and Retry-After, timeouts and connection errors retried, anything else by `classify_other`.
    A failure to connect at all (refused, DNS, no route — which the SDKs' aiohttp transport
    reports as a timeout) is marked `unreachable`."""
    if sdk is not None:
        if isinstance(exc, sdk.APIStatusError):
            return classify_status(backend, exc.status_code, exc.response.headers, short(exc.message))
        refused = connection_cause(exc)
        if refused is not None:
            return Failure(f"{backend}: cannot connect: {type(refused).__name__}: {short(str(refused))}", unreachable=True)
        if isinstance(exc, sdk.APITimeoutError):
            return Failure(f"{backend}: request timed out")
        if isinstance(exc, sdk.APIConnectionError):
            cause = exc.__cause__ or exc
            return Failure(f"{backend}: connection error: {type(cause).__name__}: {short(str(cause))}")
    return classify_other(backend, exc)


def connection_cause(exc: BaseException) -> OSError | None:
    """The refused / unresolvable / unroutable connection behind an SDK error, if that is what it is."""
    import socket

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ConnectionRefusedError, socket.gaierror)) or (
            isinstance(current, OSError) and getattr(current, "errno", None) in _UNREACHABLE_ERRNOS
        ):
            return current
        current = current.__cause__ or current.__context__
    return None


def import_sdk(backend: str, module: str) -> None:
    """Import an SDK module, or say in one line which package is missing."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise UsageError(f"{backend}: the {package!r} package is not installed ({exc}); pip install {package}") from None
