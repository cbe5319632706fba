"""`anthropic:MODEL`: the Messages API through the official SDK with rbh's retry machinery."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rbh import ChatRequest, Completion
from rbh.models import ApiModel, BatchApi, split_sdk_kwargs
from rbh_anthropic.messages import completion_from_message, message_params

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


class AnthropicModel(ApiModel):
    name = "anthropic"
    description = "Anthropic Messages API (api_key_env=ANTHROPIC_API_KEY, base_url=..., concurrency=16, timeout=300); gen thinking_budget=N"
    aliases: ClassVar[dict[str, str]] = {"sonnet": "claude-sonnet-4-5", "haiku": "claude-haiku-4-5", "opus": "claude-opus-4-1"}
    default_key_env: ClassVar[str] = "ANTHROPIC_API_KEY"
    default_base_url: ClassVar[str] = "https://api.anthropic.com"
    base_url_env: ClassVar[str] = "ANTHROPIC_BASE_URL"
    sdk_modules: ClassVar[tuple[str, ...]] = ("anthropic",)
    price_table: ClassVar[Path | None] = Path(__file__).with_name("prices.yaml")

    def __init__(
        self,
        model_name: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = None,
        concurrency: int = 16,
        timeout: float = 300.0,
        max_retries: int = 8,
        retry_base_delay: float = 0.5,
        batch: bool = False,
        batch_size: int = 50_000,
        batch_poll: float = 30.0,
        batch_wait: float = 93_600.0,
        batch_retry: str = "batch",
        price_in: float | None = None,
        price_out: float | None = None,
        price_cached_in: float | None = None,
    ):
        super().__init__(
            model_name,
            base_url=base_url,
            api_key=api_key,
            api_key_env=api_key_env,
            custom_server=False,
            concurrency=concurrency,
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
            batch=batch,
            batch_size=batch_size,
            batch_poll=batch_poll,
            batch_wait=batch_wait,
            batch_retry=batch_retry,
            price_in=price_in,
            price_out=price_out,
            price_cached_in=price_cached_in,
        )

    def request_params(self, request: ChatRequest) -> dict[str, Any]:
        return message_params(self.model_name, request.messages, request.gen, request.tools)

    def batch_api(self) -> BatchApi:
        from anthropic import Anthropic

        from rbh_anthropic.batch import AnthropicBatchApi

        client = Anthropic(api_key=self._key, base_url=self.base_url, max_retries=3, timeout=max(self.backend.timeout, 600.0))
        return AnthropicBatchApi(client, self.request_params, self.redact)

    async def _open(self) -> "AsyncAnthropic":
        from anthropic import AsyncAnthropic

        return AsyncAnthropic(api_key=self._key, base_url=self.base_url, max_retries=0, timeout=self.backend.timeout)

    async def _close(self, client: "AsyncAnthropic") -> None:
        await client.close()

    async def _call(self, client: "AsyncAnthropic", request: ChatRequest) -> Completion:
        create = client.messages.create
        return completion_from_message(await create(**split_sdk_kwargs(create, self.request_params(request))))
