"""`reasoning_effort`: one model argument for how hard a reasoning model thinks, mapped by each
backend onto its provider's setting (OpenAI `reasoning_effort`, an Anthropic thinking budget,
`enable_thinking` in Qwen3/DeepSeek chat templates on transformers and vLLM), so an effort sweep
is one flag across providers. Generation parameters a reasoning model rejects (a temperature)
are dropped with one warning line per model."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from rbh.errors import UsageError

EFFORTS = ("none", "low", "medium", "high", "max")


def check_effort(backend: str, value: str | None) -> str | None:
    """The effort, checked (None: the model's own default)."""
    if value is None:
        return None
    effort = str(value).lower()
    if effort not in EFFORTS:
        raise UsageError(f"{backend}: reasoning_effort must be one of {', '.join(EFFORTS)}, got {value!r}")
    return effort


def sweep_problem(efforts: list[str]) -> str | None:
    """Why a list of efforts to sweep is not one (empty, unknown or repeated efforts), or None."""
    if not efforts or any(e not in EFFORTS for e in efforts) or len(set(efforts)) != len(efforts):
        return f"must list distinct efforts among {', '.join(EFFORTS)}"
    return None


def request_effort(backend: str, gen: MutableMapping[str, Any], default: str | None, native: Iterable[str] = ()) -> str | None:
    """The effort of one request: `reasoning_effort` in its generation arguments (taken out of
    them; a task's `generation:` or an `effort_sweep`), else the model's `default`. A value in
    `native` (a provider's own word, OpenAI's "minimal") passes unchecked."""
    value = gen.pop("reasoning_effort", None)
    if value is None:
        return default
    if str(value).lower() in native:
        return str(value).lower()
    return check_effort(backend, value)


class RejectedParams:
    """Drops the generation parameters a reasoning model rejects, warning once per parameter."""

    def __init__(self, backend: str, reason: str):
        self.backend, self.reason = backend, reason
        self._warned: set[str] = set()

    def drop(self, gen: MutableMapping[str, Any], names: Iterable[str]) -> None:
        from rbh.plugins import warn

        for name in names:
            if name in gen:
                value = gen.pop(name)
                if name not in self._warned:
                    self._warned.add(name)
                    warn(f"{self.backend}: dropped {name}={value!r} ({self.reason})")
