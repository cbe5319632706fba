"""One vLLM engine answering work items: `LLM.chat` over chunks of a request list, each chunk's
outputs turned into Completions. Shared by the in-process path and the data-parallel workers."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rbh import Completion, Usage, finish_reason_of, split_think_tags
from rbh.interactive import parse_tool_calls

DEFAULT_CHUNK_SIZE = 1024


@dataclass(frozen=True)
class WorkItem:
    """One request as plain, picklable data: its index in the backend's request list, the chat,
    and the `SamplingParams` keyword arguments."""

    index: int
    messages: list[dict[str, Any]]
    sampling: dict[str, Any]
    tools: list[dict[str, Any]] | None = None  # function tools the model may call (`LLM.chat(tools=...)`)


def chunks(items: Sequence[WorkItem], size: int) -> Iterator[Sequence[WorkItem]]:
    """`items` in consecutive pieces of at most `size`."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + max(1, size)]


def chat_chunk(llm: Any, items: Sequence[WorkItem], chat_template_kwargs: Mapping[str, Any] | None) -> list[tuple[int, Completion]]:
    """One `LLM.chat` call for `items` (vLLM batches them continuously) — one per set of tools,
    since `tools` applies to a whole call; (index, completion) pairs."""
    from vllm import SamplingParams

    extra = {"chat_template_kwargs": dict(chat_template_kwargs)} if chat_template_kwargs else {}
    by_tools: dict[str, list[WorkItem]] = {}
    for it in items:
        by_tools.setdefault(repr(it.tools), []).append(it)
    out = []
    for group in by_tools.values():
        tools = {"tools": group[0].tools} if group[0].tools else {}
        started = time.perf_counter()
        outputs = llm.chat(
            [it.messages for it in group], sampling_params=[SamplingParams(**it.sampling) for it in group], use_tqdm=False, **extra, **tools
        )
        latency = round((time.perf_counter() - started) / max(1, len(group)), 4)
        for it, output in zip(group, outputs):
            completion = completion_from_output(output, latency)
            if it.tools and completion.error is None:
                text, calls = parse_tool_calls(completion.text)
                completion = replace(completion, text=text, tool_calls=calls) if calls else completion
            out.append((it.index, completion))
    return out


def completion_from_output(output: Any, latency: float = 0.0) -> Completion:
    """A vLLM RequestOutput -> Completion (reasoning split off from `<think>` tags)."""
    if not output.outputs:
        return Completion(error="vllm: no output for this request")
    best = output.outputs[0]
    text, reasoning = split_think_tags(best.text or "")
    return Completion(
        text=text,
        reasoning=reasoning,
        finish_reason=finish_reason_of(best.text or "", best.finish_reason),
        usage=Usage(len(output.prompt_token_ids or ()), len(best.token_ids or ())),
        latency_s=latency,
    )
