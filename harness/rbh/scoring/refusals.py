"""Refusals are an outcome, not a wrong answer: a response that declines to recommend ("I'm
sorry, but I can't help with that", a content filter) is told apart from an empty or wrong list.

A completion is a refusal when the API says so — `finish_reason` `content_filter` (OpenAI-style)
or `refusal` (Anthropic's stop reason) — or when its text opens by declining (the patterns
below, in its first sentences) and none of its titles resolves to a catalog item: "I can't
recommend X, but try Y and Z" recommended something, so it is not a refusal."""

from __future__ import annotations

import re
from collections.abc import Sequence

FINISH_REASONS = frozenset({"content_filter", "refusal"})
# Declining, as models phrase it: an apology or "I" followed by can't / cannot / won't / am unable.
_DECLINE = re.compile(
    r"^\W*(?:(?:I'?m|I am) sorry|sorry|I apologi[sz]e|unfortunately|as an ai(?: language model)?)?[^.!?\n]{0,80}?"
    r"\b(?:I|we)\s*(?:can(?:no|')t|can not|won'?t(?: be able to)?|will not(?: be able to)?|am unable to|'?m unable to|am not able to|'?m not able to)\s+"
    r"(?:help|assist|provide|recommend|suggest|comply|do|fulfil|fulfill|share|answer)",
    re.IGNORECASE,
)
TEXT = "text"
FINISH = "finish_reason"


def refusal_kind(text: str | None, finish_reason: str | None, resolved: Sequence[str | None]) -> str | None:
    """`finish_reason` when the API flagged a refusal, `text` when the response declines and
    recommends nothing the catalog knows, else None."""
    if finish_reason in FINISH_REASONS:
        return FINISH
    if any(i is not None for i in resolved):
        return None
    return TEXT if _DECLINE.search((text or "")[:400]) else None
