"""Chat requests → Messages API parameters, and Messages API responses → completions."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rbh import Completion, Message, ToolCall, Usage

DEFAULT_MAX_TOKENS = 1024  # the Messages API requires max_tokens


def split_system(messages: Sequence[Message]) -> tuple[str | None, list[dict[str, Any]]]:
    """System messages become the top-level `system`; consecutive same-role turns are merged
    (the API wants user/assistant alternation). Tool calls (an assistant message's `tool_calls`)
    become `tool_use` blocks and tool messages `tool_result` blocks of a user turn."""
    system = [m["content"] for m in messages if m["role"] == "system"]
    turns: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] == "system":
            continue
        role, content = _anthropic_turn(m)
        if turns and turns[-1]["role"] == role:
            turns[-1] = {"role": role, "content": _join(turns[-1]["content"], content)}
        else:
            turns.append({"role": role, "content": content})
    return ("\n\n".join(system) or None), turns


def _anthropic_turn(m: Message) -> tuple[str, Any]:
    """(role, content) of one message in the Messages API's shape: plain text stays a string."""
    if m["role"] == "tool":
        return "user", [{"type": "tool_result", "tool_use_id": m.get("tool_call_id", ""), "content": str(m.get("content") or "")}]
    calls = m.get("tool_calls")
    if m["role"] == "assistant" and calls:
        blocks: list[dict[str, Any]] = [{"type": "text", "text": m["content"]}] if m.get("content") else []
        for call in calls:
            function = call.get("function") or {}
            raw = function.get("arguments") or "{}"
            blocks.append({"type": "tool_use", "id": call.get("id", ""), "name": function.get("name", ""), "input": json.loads(raw)})
        return "assistant", blocks
    return m["role"], m["content"]


def _join(first: Any, second: Any) -> Any:
    """Two contents of one turn: strings joined by a blank line, block lists concatenated."""
    if isinstance(first, str) and isinstance(second, str):
        return first + "\n\n" + second
    as_blocks = [c if isinstance(c, list) else [{"type": "text", "text": c}] for c in (first, second)]
    return as_blocks[0] + as_blocks[1]


def message_params(
    model: str | None, messages: Sequence[Message], gen: Mapping[str, Any], tools: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The Messages API request body. `thinking_budget=N` turns extended thinking on; `stop` is
    accepted as an alias of `stop_sequences`; other generation args pass through as body fields."""
    gen = {k: v for k, v in gen.items() if v is not None}
    system, turns = split_system(messages)
    params: dict[str, Any] = {"model": model, "messages": turns, "max_tokens": int(gen.pop("max_tokens", DEFAULT_MAX_TOKENS))}
    if system:
        params["system"] = system
    if "stop" in gen:
        stop = gen.pop("stop")
        params["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    budget = gen.pop("thinking_budget", None)
    if budget:
        params["thinking"] = {"type": "enabled", "budget_tokens": int(budget)}
        gen.pop("temperature", None)  # extended thinking requires the default temperature
        params["max_tokens"] += int(budget)  # the budget comes on top of the answer's own tokens
    params.update(gen)
    if tools:
        params["tools"] = [{"name": t["name"], "description": t.get("description", ""), "input_schema": t["parameters"]} for t in tools]
    return params


def completion_from_message(message: Any) -> Completion:
    """Text blocks → text; thinking blocks → reasoning (redacted thinking is skipped); tool_use
    blocks → tool calls."""
    texts, thoughts, calls = [], [], []
    for block in getattr(message, "content", None) or []:
        kind = getattr(block, "type", None)
        if kind == "text":
            texts.append(block.text)
        elif kind == "thinking":
            thoughts.append(getattr(block, "thinking", "") or "")
        elif kind == "tool_use":
            arguments = getattr(block, "input", None)
            calls.append(ToolCall(str(getattr(block, "id", "")), str(getattr(block, "name", "")), dict(arguments or {})))
    if getattr(message, "content", None) is None:
        raise ValueError("response has no content")
    usage = getattr(message, "usage", None)
    return Completion(
        text="".join(texts).strip(),
        reasoning="\n\n".join(t.strip() for t in thoughts if t.strip()) or None,
        finish_reason=getattr(message, "stop_reason", None),
        usage=Usage(
            int(getattr(usage, "input_tokens", 0) or 0) + int(getattr(usage, "cache_read_input_tokens", 0) or 0),
            int(getattr(usage, "output_tokens", 0) or 0),
            int(getattr(usage, "cache_read_input_tokens", 0) or 0),
        ),
        tool_calls=tuple(calls),
    )
