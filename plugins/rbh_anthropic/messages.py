"""Chat requests → Messages API parameters, and Messages API responses → completions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rbh import Completion, Message, Usage

DEFAULT_MAX_TOKENS = 1024  # the Messages API requires max_tokens


def split_system(messages: Sequence[Message]) -> tuple[str | None, list[dict[str, str]]]:
    """System messages become the top-level `system`; consecutive same-role turns are merged
    (the API wants user/assistant alternation)."""
    system = [m["content"] for m in messages if m["role"] == "system"]
    turns: list[dict[str, str]] = []
    for m in messages:
        if m["role"] == "system":
            continue
        if turns and turns[-1]["role"] == m["role"]:
            turns[-1] = {"role": m["role"], "content": turns[-1]["content"] + "\n\n" + m["content"]}
        else:
            turns.append({"role": m["role"], "content": m["content"]})
    return ("\n\n".join(system) or None), turns


def message_params(model: str | None, messages: Sequence[Message], gen: Mapping[str, Any]) -> dict[str, Any]:
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
        params["max_tokens"] = max(params["max_tokens"], int(budget) + 1)
    params.update(gen)
    return params


def completion_from_message(message: Any) -> Completion:
    """Text blocks → text; thinking blocks → reasoning (redacted thinking is skipped)."""
    texts, thoughts = [], []
    for block in getattr(message, "content", None) or []:
        kind = getattr(block, "type", None)
        if kind == "text":
            texts.append(block.text)
        elif kind == "thinking":
            thoughts.append(getattr(block, "thinking", "") or "")
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
    )
