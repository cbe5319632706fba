"""What a run would cost before it starts: prompt tokens estimated from the rendered prompts
(about 4 characters a token, plus a few per message), output tokens at the task's `max_tokens`
(an upper bound), priced live and through the batch API. Requests already in the response cache
cost nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rbh.cost.prices import Price, completion_cost
from rbh.models.base import ChatRequest, Message, Usage

if TYPE_CHECKING:
    from rbh.runner.plan import RunPlan

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 4
DEFAULT_MAX_TOKENS = 1024  # when the generation args set no max_tokens


def estimate_prompt_tokens(messages: Sequence[Message]) -> int:
    """Prompt tokens of a chat, estimated without a tokenizer (≈ 4 characters a token)."""
    chars = sum(len(str(m.get("content", ""))) for m in messages)
    return int(chars / CHARS_PER_TOKEN + 0.999) + TOKENS_PER_MESSAGE * len(messages)


def max_output_tokens(gen: Mapping[str, Any]) -> int:
    """The most completion tokens a request may bill (its max_tokens, or a default)."""
    for key in ("max_tokens", "max_completion_tokens", "max_new_tokens"):
        if gen.get(key) is not None:
            return int(gen[key])
    return DEFAULT_MAX_TOKENS


def estimate_request_cost(price: Price, request: ChatRequest, batch: bool) -> float:
    """Upper-bound USD for one request: estimated prompt tokens, output at max_tokens."""
    usage = Usage(estimate_prompt_tokens(request.messages), max_output_tokens(request.gen))
    return completion_cost(price, usage, batch)


@dataclass
class TaskEstimate:
    """One task of a dry run: how many requests it would send and what they would cost."""

    task: str
    samples: int
    distinct: int
    cached: int
    to_send: int
    prompt_tokens: int  # estimated, of the requests to send
    max_output_tokens: int  # upper bound, of the requests to send
    usd_live: float | None  # None: price unknown
    usd_batch: float | None


@dataclass
class CostEstimate:
    """A dry run's cost: per task and in total, live and batch; `price` None when unknown."""

    model: str
    price: Price | None
    batch: bool
    tasks: list[TaskEstimate] = field(default_factory=list)

    def total(self, name: str) -> Any:
        values = [getattr(t, name) for t in self.tasks]
        if name.startswith("usd"):
            return None if self.price is None else round(sum(v for v in values if v is not None), 4)
        return sum(values)

    @property
    def usd(self) -> float | None:
        """The estimate for the mode the run would use (batch or live)."""
        return self.total("usd_batch" if self.batch else "usd_live")


def estimate_cost(plan: "RunPlan") -> CostEstimate:
    """The cost of running `plan` now: cached requests are free, each distinct missing request is
    priced once (batch and live). Sends nothing."""
    service = plan.service
    model = service.model
    price = service.price
    seen: set[str] = set()
    out = CostEstimate(model.display_name, price, model.batch_options is not None)
    for task in plan.tasks:
        cached = service.cached(task.requests)
        distinct: dict[str, ChatRequest] = {}
        for request in task.requests:
            distinct.setdefault(request.key, request)
        send = [r for k, r in distinct.items() if k not in cached and k not in seen]
        seen.update(distinct)
        prompt = sum(estimate_prompt_tokens(r.messages) for r in send)
        output = sum(max_output_tokens(r.gen) for r in send)
        usd_live = usd_batch = None
        if price is not None:
            usd_live = round(completion_cost(price, Usage(prompt, output), batch=False), 4)
            usd_batch = round(completion_cost(price, Usage(prompt, output), batch=True), 4)
        out.tasks.append(
            TaskEstimate(task.task.task, len(task.requests), len(distinct), len(cached), len(send), prompt, output, usd_live, usd_batch)
        )
    return out
