"""The `Model` interface (docs/design.md §7): a backend receives chat requests and yields completions
as they finish; the runner owns caching, progress and scoring."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from rbh.data.dataset import BenchmarkDataset
    from rbh.data.sample import Sample
    from rbh.models.batch import BatchApi, BatchOptions

# {"role": "system" | "user" | "assistant" | "tool", "content": "..."}; an assistant message that
# calls tools also has "tool_calls" and a tool message "tool_call_id" (the OpenAI chat shape, which
# every backend translates to its own API)
Message = Mapping[str, Any]


@dataclass(frozen=True)
class ChatRequest:
    """One request: the rendered chat plus what non-LLM baselines may look at."""

    key: str  # stable request key (also the response-cache key)
    messages: tuple[Message, ...]
    gen: Mapping[str, Any] = field(default_factory=dict)  # max_tokens, temperature, ...
    sample: "Sample | None" = None
    dataset: "BenchmarkDataset | None" = None
    k: int | None = None
    repeat: int = 0  # which of `--repeats N` this is; part of the cache key when > 0
    tools: tuple[Mapping[str, Any], ...] = ()  # tools the model may call: {name, description, parameters (JSON schema)}


@dataclass(frozen=True)
class ToolCall:
    """A call the model makes to a tool: its id (to answer it), the tool's name and arguments."""

    id: str
    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "arguments": dict(self.arguments)}

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "ToolCall":
        return cls(str(row.get("id") or ""), str(row.get("name") or ""), dict(row.get("arguments") or {}))


@dataclass(frozen=True)
class Usage:
    """Token counts reported by the backend (0 when unknown)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # of prompt_tokens, read from the provider's prompt cache (cheaper)
    reasoning_tokens: int = 0  # of completion_tokens, spent on reasoning (billed as output; reported apart)


@dataclass(frozen=True)
class Completion:
    """What a backend returns for one request. `error` is set when it failed after retries."""

    text: str = ""
    reasoning: str | None = None
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    error: str | None = None
    batch_id: str | None = None  # the provider batch that answered it (batch mode)
    tool_calls: tuple[ToolCall, ...] = ()  # tools the model called instead of (or before) answering

    def to_dict(self) -> dict[str, Any]:
        usage = {"prompt_tokens": self.usage.prompt_tokens, "completion_tokens": self.usage.completion_tokens}
        if self.usage.cached_tokens:
            usage["cached_tokens"] = self.usage.cached_tokens
        if self.usage.reasoning_tokens:
            usage["reasoning_tokens"] = self.usage.reasoning_tokens
        row: dict[str, Any] = {
            "text": self.text,
            "reasoning": self.reasoning,
            "finish_reason": self.finish_reason,
            "usage": usage,
            "latency_s": self.latency_s,
            "error": self.error,
        }
        if self.batch_id is not None:
            row["batch_id"] = self.batch_id
        if self.tool_calls:
            row["tool_calls"] = [c.to_dict() for c in self.tool_calls]
        return row

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "Completion":
        usage = row.get("usage") or {}
        return cls(
            text=row.get("text") or "",
            reasoning=row.get("reasoning"),
            finish_reason=row.get("finish_reason"),
            usage=Usage(
                int(usage.get("prompt_tokens", 0)),
                int(usage.get("completion_tokens", 0)),
                int(usage.get("cached_tokens", 0)),
                int(usage.get("reasoning_tokens", 0)),
            ),
            latency_s=float(row.get("latency_s") or 0.0),
            error=row.get("error"),
            batch_id=row.get("batch_id"),
            tool_calls=tuple(ToolCall.from_dict(c) for c in row.get("tool_calls") or ()),
        )


class Model(ABC):
    """Base class of every backend.

    Subclasses set `name` (the backend name in `--model NAME:MODEL`), may set `aliases`
    (short model names, e.g. {"qwen": "Qwen/Qwen2.5-3B-Instruct"}), and implement `generate`.
    Constructor arguments come from `--model-args k=v,...`.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    aliases: ClassVar[Mapping[str, str]] = {}
    needs_model_name: ClassVar[bool] = False
    needs_key: ClassVar[bool] = False
    secret_args: ClassVar[tuple[str, ...]] = ("api_key",)  # never written to results or logs
    transport_args: ClassVar[tuple[str, ...]] = ()  # args that do not change outputs (kept out of cache keys)
    price_table: ClassVar["Path | None"] = None  # YAML of prices per model (USD per million tokens)

    def __init__(self, model_name: str | None = None, **model_args: Any):
        self.model_name = model_name
        self.model_args = model_args

    @abstractmethod
    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        """Yield (index into `requests`, completion) for every request, in completion order."""

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        """Extra inputs (beyond messages and generation args) the output depends on.

        Part of the response-cache key: baselines that read the sample return its id here.
        """
        return {}

    def preflight(self) -> None:
        """Called once before the first request is sent (not when everything is cached): raise a
        UsageError when sending cannot work at all (an API backend checks its endpoint answers)."""

    def close(self) -> None:
        """Release resources (HTTP clients, GPU memory)."""

    @property
    def batch_options(self) -> "BatchOptions | None":
        """How to run in batch mode, or None for live calls (backends with a batch API)."""
        return None

    def batch_api(self) -> "BatchApi":
        """The provider's batch endpoints; only called when `batch_options` is set."""
        raise NotImplementedError(f"{self.name} has no batch mode")

    @property
    def display_name(self) -> str:
        return f"{self.name}:{self.model_name}" if self.model_name else self.name

    @property
    def run_name(self) -> str:
        """What the run folder is named after (`openai:gpt-4o`); backends whose model name is a
        path (replay) shorten it."""
        return self.display_name
