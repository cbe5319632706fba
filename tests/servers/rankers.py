"""Fake ranking models for the LLM server (`LLMServer(responder=...)`): they read the numbered
candidate list of a rank prompt and answer one title per line."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from tests.servers.llm_server import Reply

_LINE = re.compile(r"^\d+\. (.+)$")


def last_user(body: Mapping[str, Any]) -> str:
    return next((str(m.get("content", "")) for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")


def shown_candidates(body: Mapping[str, Any]) -> list[str]:
    """The candidate titles of a rank prompt, in the order shown."""
    return [m.group(1) for line in last_user(body).splitlines() if (m := _LINE.match(line.strip()))]


def echo(route: str, body: dict[str, Any]) -> Reply:
    """Copies the list as shown: the most position-biased answer there is."""
    return Reply("\n".join(shown_candidates(body)))


def primacy(positives: Mapping[str, str | Collection[str]], attention: int = 10) -> Callable[[str, dict[str, Any]], Reply]:
    """A model that knows the answer (`positives`: query -> the positive's title, or the titles of
    every sample asking it) but reads only the first `attention` candidates: a positive shown
    among them goes first; otherwise it echoes the list as shown. Deliberately position-biased."""

    def respond(route: str, body: dict[str, Any]) -> Reply:
        shown = shown_candidates(body)
        query = next((line[len("Query: ") :] for line in last_user(body).splitlines() if line.startswith("Query: ")), "")
        known = positives.get(query, ())
        wanted = {known} if isinstance(known, str) else set(known)
        seen = [title for title in shown[:attention] if title in wanted]
        if seen:
            shown.remove(seen[0])
            shown.insert(0, seen[0])
        return Reply("\n".join(shown))

    return respond
