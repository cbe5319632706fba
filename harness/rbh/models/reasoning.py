"""Separating a reasoning model's thoughts from its answer: `reasoning_content` / `reasoning`
fields, or `<think>…</think>` inside the content (docs/design.md §8.1: reasoning is never parsed)."""

from __future__ import annotations

import re

_THINK_RE = re.compile(r"<think>(.*?)</think>", re.DOTALL | re.IGNORECASE)
_CLOSE = "</think>"


def split_think_tags(content: str) -> tuple[str, str | None]:
    """('<think>a</think>b') -> ('b', 'a'); a lone '</think>' (opening tag in the template) counts too;
    an unclosed '<think>' means the output was cut off inside the reasoning: no answer ('')."""
    thoughts = [m.strip() for m in _THINK_RE.findall(content)]
    text = _THINK_RE.sub("", content)
    lowered = text.lower()
    if _CLOSE in lowered:  # "reasoning…</think>answer": the template opened the tag
        cut = lowered.rindex(_CLOSE)
        thoughts.insert(0, text[:cut].strip())
        text = text[cut + len(_CLOSE) :]
    elif "<think>" in lowered:  # cut off while thinking: everything after the tag is reasoning, no answer
        cut = lowered.index("<think>")
        thoughts.append(text[cut + len("<think>") :].strip())
        text = ""
    joined = "\n\n".join(t for t in thoughts if t)
    return text.strip(), joined or None


REASONING_CUT = "reasoning_cut"  # the finish reason of an answer cut off inside its reasoning


def cut_while_thinking(content: str) -> bool:
    """Whether the output stops inside an unclosed `<think>` (no answer was given)."""
    lowered = content.lower()
    opened = lowered.rfind("<think>")
    return opened >= 0 and lowered.find(_CLOSE, opened) < 0


def finish_reason_of(content: str, finish_reason: str | None) -> str | None:
    """`reasoning_cut` for an output cut off inside its reasoning, else the backend's own reason."""
    return REASONING_CUT if cut_while_thinking(content) else finish_reason


def merge_reasoning(*parts: str | None) -> str | None:
    """Join the non-empty reasoning parts, or None."""
    kept = [p.strip() for p in parts if p and p.strip()]
    return "\n\n".join(kept) or None
