"""`openai:MODEL`: Chat Completions through the official SDK (AsyncOpenAI, our own retries)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from rbh.errors import UsageError
from rbh.models.api_model import ApiModel
from rbh.models.base import ChatRequest, Completion, Usage
from rbh.models.concurrency import Failure, classify_other, classify_status
from rbh.models.reasoning import merge_reasoning, split_think_tags

if TYPE_CHECKING:
    from openai import AsyncOpenAI

# generation arguments the Chat Completions endpoint takes as such; others go into extra_body
# (e.g. top_k, repetition_penalty or chat_template_kwargs for vLLM serve)
NATIVE_GEN_ARGS = frozenset({
    "max_tokens", "max_completion_tokens", "temperature", "top_p", "seed", "stop", "presence_penalty",
    "frequency_penalty", "logit_bias", "reasoning_effort", "response_format", "user", "service_tier",
})


class OpenAIChatModel(ApiModel):
    name = "openai"
    description = "OpenAI Chat Completions or any OpenAI-compatible server (base_url=..., api_key_env=..., concurrency=32, timeout=120)"
    transport_args: ClassVar[tuple[str, ...]] = ("api_key_env", "concurrency", "timeout", "max_retries", "retry_base_delay", "http_client")
    default_key_env: ClassVar[str] = "OPENAI_API_KEY"

    def __init__(
        self,
        model_name: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = None,
        concurrency: int = 32,
        timeout: float = 120.0,
        max_retries: int = 8,
        retry_base_delay: float = 0.5,
        max_tokens_param: str = "max_tokens",
        http_client: str = "auto",
    ):
        passed = {k: v for k, v in dict(base_url=base_url, api_key=api_key, api_key_env=api_key_env).items() if v is not None}
        super().__init__(model_name, **passed, concurrency=concurrency, timeout=timeout, max_retries=max_retries,
                         retry_base_delay=retry_base_delay, max_tokens_param=max_tokens_param, http_client=http_client)
        if http_client not in ("auto", "aiohttp", "httpx"):
            raise UsageError(f"{self.name}: http_client must be auto, aiohttp or httpx, got {http_client!r}")
        self.http_client = http_client
        self.base_url = base_url
        self.max_tokens_param = max_tokens_param
        self._start(api_key=api_key, api_key_env=api_key_env, custom_server=base_url is not None, concurrency=concurrency,
                    timeout=timeout, max_retries=max_retries, retry_base_delay=retry_base_delay)

    # -- one request ------------------------------------------------------------------------
    def request_params(self, request: ChatRequest) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create` for one request."""
        gen = dict(request.gen)
        params: dict[str, Any] = {"model": self.model_name, "messages": [dict(m) for m in request.messages]}
        extra: dict[str, Any] = {}
        if "max_tokens" in gen and self.max_tokens_param != "max_tokens":
            gen[self.max_tokens_param] = gen.pop("max_tokens")
        for key, value in gen.items():
            if value is None:
                continue
            (params if key in NATIVE_GEN_ARGS else extra)[key] = value
        if extra:
            params["extra_body"] = extra
        return params

    async def _open(self) -> "AsyncOpenAI":
        from openai import AsyncOpenAI

        return AsyncOpenAI(api_key=self._key, base_url=self.base_url, max_retries=0, timeout=self.backend.timeout,
                           http_client=http_client(self.http_client))

    async def _close(self, client: "AsyncOpenAI") -> None:
        await client.close()

    async def _call(self, client: "AsyncOpenAI", request: ChatRequest) -> Completion:
        from openai.types.chat import ChatCompletion

        # client.post skips the SDK's per-call TypedDict transform of the messages (about half of
        # its CPU per request), which matters at hundreds of requests per second
        body = self.request_params(request)
        body.update(body.pop("extra_body", {}))
        response = await client.post("/chat/completions", body=body, cast_to=ChatCompletion)
        return completion_from_response(response)

    def classify(self, exc: BaseException) -> Failure:
        import openai

        if isinstance(exc, openai.APIStatusError):
            return classify_status(self.name, exc.status_code, exc.response.headers, _short(exc.message))
        if isinstance(exc, openai.APITimeoutError):
            return Failure(f"{self.name}: request timed out")
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc
            return Failure(f"{self.name}: connection error: {type(cause).__name__}: {_short(str(cause))}")
        return classify_other(self.name, exc)


def http_client(choice: str) -> Any:
    """The SDK's aiohttp transport when aiohttp is installed ("auto"), else its default httpx."""
    import importlib.util

    if choice == "httpx" or (choice == "auto" and importlib.util.find_spec("aiohttp") is None):
        return None
    from openai import DefaultAioHttpClient

    return DefaultAioHttpClient()


def completion_from_response(response: Any) -> Completion:
    """A Completion from a ChatCompletion: answer text, reasoning apart, finish reason, usage."""
    if not getattr(response, "choices", None):
        raise ValueError("response has no choices")
    choice = response.choices[0]
    message = choice.message
    extra: Mapping[str, Any] = getattr(message, "model_extra", None) or {}
    field = extra.get("reasoning_content") or extra.get("reasoning") or getattr(message, "reasoning_content", None)
    text, tagged = split_think_tags(message.content or "")
    usage = getattr(response, "usage", None)
    return Completion(
        text=text,
        reasoning=merge_reasoning(field if isinstance(field, str) else None, tagged),
        finish_reason=choice.finish_reason,
        usage=Usage(int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0)),
    )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
