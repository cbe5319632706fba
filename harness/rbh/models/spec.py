"""Parsing `--model BACKEND[:MODEL]`, `--model-args` and `--gen-kwargs`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rbh.errors import UsageError


@dataclass(frozen=True)
class ModelSpec:
    """A parsed `--model` value."""

    backend: str
    model: str | None
    args: dict[str, Any] = field(default_factory=dict)


def parse_model_spec(value: str, model_args: str | None = None) -> ModelSpec:
    """'openai:gpt-4o' -> ModelSpec('openai', 'gpt-4o'); 'oracle' -> ModelSpec('oracle', None)."""
    value = value.strip()
    if not value:
        raise UsageError("--model is empty")
    backend, sep, model = value.partition(":")
    return ModelSpec(backend=backend, model=model if sep and model else None, args=parse_kv(model_args, "--model-args"))


def parse_kv(text: str | None, flag: str) -> dict[str, Any]:
    """'a=1,b=x,c=true' -> {'a': 1, 'b': 'x', 'c': True}; values are read as JSON when they parse."""
    out: dict[str, Any] = {}
    if not text:
        return out
    for part in _split_commas(text):
        if not part.strip():
            continue
        key, sep, raw = part.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag}: expected key=value, got {part!r}")
        out[key.strip()] = _coerce(raw.strip())
    return out


def _split_commas(text: str) -> list[str]:
    """Split on commas outside brackets and quotes, so JSON values may contain commas."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _coerce(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw.strip("\"'")
