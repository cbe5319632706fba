"""`openai:MODEL`: Chat Completions through the official SDK (AsyncOpenAI, our own retries)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rbh import ChatRequest, Completion, ToolCall, Usage, UsageError, finish_reason_of, merge_reasoning, split_think_tags
from rbh.interactive import function_tools
from rbh.models import ApiModel, BatchApi, Failure, RejectedParams, check_effort, import_sdk, request_effort
from rbh_openai.direct import DirectClient, classify_direct

if TYPE_CHECKING:
    from openai import AsyncOpenAI

# generation arguments the Chat Completions endpoint takes as such; others go into extra_body
# (e.g. top_k, repetition_penalty or chat_template_kwargs for vLLM serve)
NATIVE_GEN_ARGS = frozenset(
    {
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "seed",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "reasoning_effort",
        "response_format",
        "user",
        "service_tier",
    }
)


# rbh's efforts as the Chat Completions `reasoning_effort` (its scale tops out at "high")
OPENAI_EFFORT = {"none": "minimal", "low": "low", "medium": "medium", "high": "high", "max": "high"}


class OpenAIChatModel(ApiModel):
    name = "openai"
    description = "OpenAI Chat Completions or any OpenAI-compatible server (base_url=..., api_key_env=..., concurrency=32, timeout=120)"
    transport_args: ClassVar[tuple[str, ...]] = (*ApiModel.transport_args, "http_client")
    price_table: ClassVar[Path | None] = Path(__file__).with_name("prices.yaml")
    default_key_env: ClassVar[str] = "OPENAI_API_KEY"
    default_base_url: ClassVar[str] = "https://api.openai.com/v1"
    base_url_env: ClassVar[str] = "OPENAI_BASE_URL"
    sdk_modules: ClassVar[tuple[str, ...]] = ("openai",)

    def __init__(
        self,
        model_name: str | None = None,
        max_tokens_param: str = "max_tokens",
        http_client: str = "auto",
        reasoning_effort: str | None = None,
        **base_args: Any,
    ):
        """`max_tokens_param`, `http_client` and `reasoning_effort` are the backend's own
        arguments; every other one (base_url, api_key, concurrency, timeout, retries, batch,
        prices) is ApiModel's."""
        self.reasoning_effort = check_effort(self.name, reasoning_effort)
        self._rejected = RejectedParams(self.name, "reasoning models reject it")
        if http_client not in TRANSPORTS:
            raise UsageError(f"{self.name}: http_client must be one of {', '.join(TRANSPORTS)}, got {http_client!r}")
        self.transport = choose_transport(self.name, http_client, custom_server=base_args.get("base_url") is not None)
        effort: dict[str, Any] = {"reasoning_effort": self.reasoning_effort} if self.reasoning_effort else {}
        super().__init__(model_name, max_tokens_param=max_tokens_param, http_client=http_client, **effort, **base_args)
        # reasoning models take max_completion_tokens; an explicit max_tokens_param wins
        self._explicit_max_param = max_tokens_param != "max_tokens"
        self.max_tokens_param = "max_completion_tokens" if self.reasoning_effort and max_tokens_param == "max_tokens" else max_tokens_param

    # -- one request ------------------------------------------------------------------------
    def request_params(self, request: ChatRequest) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create` for one request."""
        gen = dict(request.gen)
        params: dict[str, Any] = {"model": self.model_name, "messages": [dict(m) for m in request.messages]}
        # a task's effort (an effort sweep's) wins over the model's
        effort = request_effort(self.name, gen, self.reasoning_effort, native=("minimal",))
        max_tokens_param = self.max_tokens_param
        if effort:
            params["reasoning_effort"] = OPENAI_EFFORT.get(effort, effort)  # a provider value ("minimal") passes as it is
            self._rejected.drop(gen, ("temperature", "top_p"))
            if max_tokens_param == "max_tokens" and not self._explicit_max_param:
                max_tokens_param = "max_completion_tokens"
        extra: dict[str, Any] = {}
        if "max_tokens" in gen and max_tokens_param != "max_tokens":
            gen[max_tokens_param] = gen.pop("max_tokens")
        for key, value in gen.items():
            if value is None:
                continue
            if key == "extra_body":
                extra.update(value)
            else:
                (params if key in NATIVE_GEN_ARGS else extra)[key] = value
        if extra:
            params["extra_body"] = extra
        if request.tools:
            params["tools"] = function_tools(request.tools)
        return params

    def flat_body(self, request: ChatRequest) -> dict[str, Any]:
        """The JSON body of one request as it is posted (extra args as body fields), live or in a batch line."""
        body = self.request_params(request)
        body.update(body.pop("extra_body", {}))
        return body

    def batch_api(self) -> BatchApi:
        from openai import OpenAI

        from rbh_openai.batch import OpenAIBatchApi

        client = OpenAI(api_key=self.api_key, base_url=self.base_url, max_retries=3, timeout=max(self.timeout, 600.0))
        return OpenAIBatchApi(client, self.flat_body, self.redact)

    async def _open(self) -> "AsyncOpenAI | DirectClient":
        if self.transport == "direct":
            return DirectClient(self.base_url or self.default_base_url, self.api_key)
        from openai import AsyncOpenAI

        transport = None
        if self.transport == "aiohttp":
            from openai import DefaultAioHttpClient

            transport = DefaultAioHttpClient()
        return AsyncOpenAI(api_key=self.api_key, base_url=self.base_url, max_retries=0, timeout=self.timeout, http_client=transport)

    async def _close(self, client: "AsyncOpenAI | DirectClient") -> None:
        await client.close()

    async def _call(self, client: "AsyncOpenAI | DirectClient", request: ChatRequest) -> Completion:
        if isinstance(client, DirectClient):
            return completion_from_response(await client.post("/chat/completions", self.flat_body(request)))
        # client.post skips the SDK's per-call TypedDict transform of the messages, and the raw
        # bytes skip building a pydantic ChatCompletion: together about half of the SDK's CPU
        # per request, which matters at hundreds of requests per second
        raw = await client.post("/chat/completions", body=self.flat_body(request), cast_to=bytes)
        return completion_from_response(json.loads(raw))

    def sdk_imports(self) -> tuple[str, ...]:
        return () if self.transport == "direct" else self.sdk_modules  # direct posts with aiohttp

    def classify(self, exc: BaseException) -> Failure:
        if self.transport == "direct":
            return classify_direct(self.name, exc)
        return super().classify(exc)


TRANSPORTS = ("auto", "direct", "aiohttp", "httpx")


def choose_transport(backend: str, choice: str, custom_server: bool = False) -> str:
    """How requests are sent. "auto": "direct" (aiohttp, no SDK) for a custom `base_url` — an
    OpenAI-compatible server needs nothing of the SDK — and for OpenAI's own API the SDK with its
    aiohttp transport (`DefaultAioHttpClient`, about half the CPU per request of its default
    httpx one) when the SDK and aiohttp support it, else httpx."""
    if choice == "direct" or (choice == "auto" and custom_server and importlib.util.find_spec("aiohttp") is not None):
        import_sdk(backend, "aiohttp")
        return "direct"
    if choice == "httpx":
        return "httpx"
    import openai

    missing = None
    if not hasattr(openai, "DefaultAioHttpClient"):  # older SDKs
        missing = "an openai SDK with aiohttp support; pip install -U 'openai[aiohttp]'"
    elif importlib.util.find_spec("aiohttp") is None:
        missing = "the aiohttp package; pip install aiohttp"
    if missing is None:
        import_sdk(backend, "aiohttp")  # now rather than on the first request
        return "aiohttp"
    if choice == "aiohttp":
        raise UsageError(f"{backend}: http_client=aiohttp needs {missing}")
    return "httpx"


def completion_from_response(response: Mapping[str, Any]) -> Completion:
    """A Completion from a Chat Completions JSON body: answer text, reasoning apart (the
    `reasoning_content` or `reasoning` field, or `<think>` tags), finish reason, usage."""
    choices = response.get("choices") if isinstance(response, Mapping) else None
    if not choices or not isinstance(choices[0], Mapping) or not isinstance(choices[0].get("message"), Mapping):
        raise ValueError("response has no choices")
    choice = choices[0]
    message = choice["message"]
    field = message.get("reasoning_content") or message.get("reasoning")
    text, tagged = split_think_tags(message.get("content") or "")
    usage = response.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    cached = int(details.get("cached_tokens") or 0) if isinstance(details, Mapping) else 0
    out_details = usage.get("completion_tokens_details") or {}
    reasoning_tokens = int(out_details.get("reasoning_tokens") or 0) if isinstance(out_details, Mapping) else 0
    return Completion(
        text=text,
        reasoning=merge_reasoning(field if isinstance(field, str) else None, tagged),
        finish_reason=finish_reason_of(message.get("content") or "", choice.get("finish_reason")),
        usage=Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0), cached, reasoning_tokens),
        tool_calls=tool_calls_of(message.get("tool_calls")),
    )


def tool_calls_of(calls: Any) -> tuple[ToolCall, ...]:
    """The tool calls of a Chat Completions message (`function` calls; arguments are a JSON
    string, and one that does not parse is passed on as {"_raw": text})."""
    out = []
    for call in calls or ():
        function = call.get("function") if isinstance(call, Mapping) else None
        if not isinstance(function, Mapping):
            continue
        raw = function.get("arguments") or "{}"
        try:
            arguments = json.loads(raw) if isinstance(raw, str) else dict(raw)
        except (json.JSONDecodeError, TypeError, ValueError):
            arguments = {"_raw": str(raw)}
        out.append(ToolCall(str(call.get("id") or ""), str(function.get("name") or ""), arguments if isinstance(arguments, dict) else {}))
    return tuple(out)
