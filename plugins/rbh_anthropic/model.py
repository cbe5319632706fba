"""`anthropic:MODEL`: the Messages API through the official SDK with rbh's retry machinery."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rbh import ChatRequest, Completion
from rbh.models import ApiModel, BatchApi, RejectedParams, check_effort, request_effort, split_sdk_kwargs
from rbh_anthropic.messages import completion_from_message, message_params

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


# rbh's efforts as extended-thinking budgets (tokens of thinking before the answer)
THINKING_BUDGETS = {"low": 1024, "medium": 4096, "high": 16384, "max": 32000}


class AnthropicModel(ApiModel):
    name = "anthropic"
    description = "Anthropic Messages API (api_key_env=ANTHROPIC_API_KEY, base_url=..., concurrency=16, timeout=300); gen thinking_budget=N"
    aliases: ClassVar[dict[str, str]] = {"sonnet": "claude-sonnet-4-5", "haiku": "claude-haiku-4-5", "opus": "claude-opus-4-1"}
    default_key_env: ClassVar[str] = "ANTHROPIC_API_KEY"
    default_base_url: ClassVar[str] = "https://api.anthropic.com"
    base_url_env: ClassVar[str] = "ANTHROPIC_BASE_URL"
    sdk_modules: ClassVar[tuple[str, ...]] = ("anthropic",)
    price_table: ClassVar[Path | None] = Path(__file__).with_name("prices.yaml")

    key_optional_with_base_url: ClassVar[bool] = False  # the Anthropic SDK sends a key to any server

    def __init__(
        self,
        model_name: str | None = None,
        concurrency: int = 16,
        timeout: float = 300.0,
        reasoning_effort: str | None = None,
        **base_args: Any,
    ):
        """`reasoning_effort` (a thinking budget) and the defaults that differ from ApiModel's
        (fewer requests in flight, longer timeout: Messages answers are slower); every other
        argument is ApiModel's."""
        self.reasoning_effort = check_effort(self.name, reasoning_effort)
        self._rejected = RejectedParams(self.name, "extended thinking requires the default")
        effort: dict[str, Any] = {"reasoning_effort": self.reasoning_effort} if self.reasoning_effort else {}
        super().__init__(model_name, concurrency=concurrency, timeout=timeout, **effort, **base_args)

    def request_params(self, request: ChatRequest) -> dict[str, Any]:
        gen = dict(request.gen)
        effort = request_effort(self.name, gen, self.reasoning_effort)  # a task's (an effort sweep's) wins over the model's
        if effort and effort != "none":
            gen.setdefault("thinking_budget", THINKING_BUDGETS[effort])
        if gen.get("thinking_budget"):
            self._rejected.drop(gen, ("temperature", "top_k", "top_p"))
        return message_params(self.model_name, request.messages, gen, request.tools)

    def batch_api(self) -> BatchApi:
        from anthropic import Anthropic

        from rbh_anthropic.batch import AnthropicBatchApi

        client = Anthropic(api_key=self.api_key, base_url=self.base_url, max_retries=3, timeout=max(self.timeout, 600.0))
        return AnthropicBatchApi(client, self.request_params, self.redact)

    async def _open(self) -> "AsyncAnthropic":
        from anthropic import AsyncAnthropic

        return AsyncAnthropic(api_key=self.api_key, base_url=self.base_url, max_retries=0, timeout=self.timeout)

    async def _close(self, client: "AsyncAnthropic") -> None:
        await client.close()

    async def _call(self, client: "AsyncAnthropic", request: ChatRequest) -> Completion:
        create = client.messages.create
        return completion_from_message(await create(**split_sdk_kwargs(create, self.request_params(request))))
