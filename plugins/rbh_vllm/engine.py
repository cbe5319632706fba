"""One vLLM engine answering work items: `LLM.chat` over chunks of a request list, each chunk's
outputs turned into Completions. Shared by the in-process path and the data-parallel workers."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rbh import Completion, Usage, split_think_tags

DEFAULT_CHUNK_SIZE = 1024


@dataclass(frozen=True)
class WorkItem:
    """One request as plain, picklable data: its index in the backend's request list, the chat,
    and the `SamplingParams` keyword arguments."""

    index: int
    messages: list[dict[str, str]]
    sampling: dict[str, Any]


def chunks(items: Sequence[WorkItem], size: int) -> Iterator[Sequence[WorkItem]]:
    """`items` in consecutive pieces of at most `size`."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + max(1, size)]


def chat_chunk(llm: Any, items: Sequence[WorkItem], chat_template_kwargs: Mapping[str, Any] | None) -> list[tuple[int, Completion]]:
    """One `LLM.chat` call for `items` (vLLM batches them continuously); (index, completion) pairs."""
    from vllm import SamplingParams

    extra = {"chat_template_kwargs": dict(chat_template_kwargs)} if chat_template_kwargs else {}
    started = time.perf_counter()
    outputs = llm.chat(
        [it.messages for it in items], sampling_params=[SamplingParams(**it.sampling) for it in items], use_tqdm=False, **extra
    )
    latency = round((time.perf_counter() - started) / max(1, len(items)), 4)
    return [(it.index, completion_from_output(out, latency)) for it, out in zip(items, outputs)]


def completion_from_output(output: Any, latency: float = 0.0) -> Completion:
    """A vLLM RequestOutput -> Completion (reasoning split off from `<think>` tags)."""
    if not output.outputs:
        return Completion(error="vllm: no output for this request")
    best = output.outputs[0]
    text, reasoning = split_think_tags(best.text or "")
    return Completion(
        text=text,
        reasoning=reasoning,
        finish_reason=best.finish_reason,
        usage=Usage(len(output.prompt_token_ids or ()), len(best.token_ids or ())),
        latency_s=latency,
    )
