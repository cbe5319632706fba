"""Tools an assistant may call during an interactive task (`tools: [catalog_search]`): the spec
sent to the model (name, description, JSON-schema parameters) and the code that answers a call
from the task's dataset. Backends translate the spec into their API's native tool calling."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG
    from rbh.models.base import ToolCall

MAX_RESULTS = 20
PERSON_RELATIONS = ("directed_by", "starring", "written_by", "music_by", "cinematography", "produced_by")

CATALOG_SEARCH: dict[str, Any] = {
    "name": "catalog_search",
    "description": (
        "Search the catalog of titles this conversation is about. Every filter is optional; results "
        "match all the filters given. Returns up to `limit` titles with their year and main facts."
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "title": {"type": "string", "description": "words of the title"},
            "person": {"type": "string", "description": "a director, actor, writer, composer or author credited on the title"},
            "genre": {"type": "string", "description": "a genre, e.g. Comedy"},
            "year_from": {"type": "integer", "description": "earliest year"},
            "year_to": {"type": "integer", "description": "latest year"},
            "limit": {"type": "integer", "description": f"how many results (1-{MAX_RESULTS}, default 10)"},
        },
        "additionalProperties": False,
    },
}
TOOL_SPECS: dict[str, dict[str, Any]] = {"catalog_search": CATALOG_SEARCH}


def tool_specs(names: Sequence[str]) -> tuple[dict[str, Any], ...]:
    """The specs of the named tools, in the task's order."""
    return tuple(TOOL_SPECS[n] for n in names)


class CatalogSearch:
    """Answers `catalog_search` calls over one domain's catalog and KG (indexes built once)."""

    def __init__(self, catalog: "Catalog", kg: "KG"):
        self.catalog, self.kg = catalog, kg
        self._by_person: dict[str, set[str]] | None = None

    def _people(self) -> dict[str, set[str]]:
        if self._by_person is None:
            index: dict[str, set[str]] = {}
            for item in self.catalog.items:
                for relation, entity in self.kg.facts(item):
                    if relation in PERSON_RELATIONS:
                        index.setdefault(entity.casefold(), set()).add(item)
            self._by_person = index
        return self._by_person

    def search(self, arguments: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The matching titles, sorted by title (ties by year), at most `limit`."""
        items: set[str] = set(self.catalog.items)
        person = str(arguments.get("person") or "").strip().casefold()
        if person:
            items &= self._people().get(person, set())
        genre = str(arguments.get("genre") or "").strip().casefold()
        if genre:
            items = {i for i in items if any(g.casefold() == genre for g in self.kg.entities(i, "genre"))}
        title = str(arguments.get("title") or "").strip().casefold()
        if title:
            words = title.split()
            items = {i for i in items if all(w in self.catalog[i].title.casefold() for w in words)}
        low, high = _year(arguments.get("year_from")), _year(arguments.get("year_to"))
        if low is not None or high is not None:
            items = {
                i for i in items if (y := self.catalog[i].year) is not None and (low is None or y >= low) and (high is None or y <= high)
            }
        try:
            limit = max(1, min(MAX_RESULTS, int(arguments.get("limit") or 10)))
        except (TypeError, ValueError):
            limit = 10
        ordered = sorted(items, key=lambda i: (self.catalog[i].title.casefold(), self.catalog[i].year or 0))
        return [self.describe(i) for i in ordered[:limit]]

    def describe(self, item_id: str) -> dict[str, Any]:
        item = self.catalog[item_id]
        facts: dict[str, list[str]] = {}
        for relation, entity in sorted(self.kg.facts(item_id)):
            if relation in ("genre", "directed_by", "starring", "written_by", "series"):
                facts.setdefault(relation, []).append(entity)
        return {"title": item.title, "year": item.year, **facts}

    def answer(self, call: "ToolCall") -> str:
        """The tool message content for one call (JSON); an unknown tool is an error the model sees."""
        if call.name != "catalog_search":
            return json.dumps({"error": f"unknown tool {call.name!r}"})
        return json.dumps({"results": self.search(call.arguments)}, ensure_ascii=False)


def _year(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def tool_messages(text: str, calls: Sequence["ToolCall"], answers: Sequence[str]) -> list[dict[str, Any]]:
    """The assistant message that made `calls` and one tool message per answer (the OpenAI chat
    shape; backends translate it)."""
    assistant = {
        "role": "assistant",
        "content": text,
        "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(dict(c.arguments), sort_keys=True)}}
            for c in calls
        ],
    }
    return [assistant, *({"role": "tool", "tool_call_id": c.id, "content": a} for c, a in zip(calls, answers))]


def function_tools(tools: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Tool specs in the `{"type": "function", "function": spec}` shape that Chat Completions,
    transformers chat templates and vLLM's `LLM.chat(tools=...)` take."""
    return [{"type": "function", "function": dict(t)} for t in tools]


def template_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages for a local chat template (transformers, vLLM): tool-call arguments as objects,
    not JSON strings (what the templates of tool-calling models expect)."""
    out = []
    for m in messages:
        row = dict(m)
        if row.get("tool_calls"):
            row["tool_calls"] = [
                {"type": "function", "function": {"name": c["function"]["name"], "arguments": _arguments(c["function"].get("arguments"))}}
                for c in row["tool_calls"]
            ]
            row["content"] = row.get("content") or ""
        out.append(row)
    return out


_TOOL_CALL = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.DOTALL)


def parse_tool_calls(text: str) -> tuple[str, tuple["ToolCall", ...]]:
    """(the text without them, the calls) of a local model's answer that calls tools in the
    `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` format of Hermes, Qwen2.5 and
    Qwen3 chat templates; a block that is not JSON is left in the text."""
    from rbh.models.base import ToolCall

    calls: list[ToolCall] = []

    def take(match: "re.Match[str]") -> str:
        try:
            body = json.loads(match.group(1))
        except json.JSONDecodeError:
            return match.group(0)
        if not isinstance(body, dict) or not body.get("name"):
            return match.group(0)
        calls.append(ToolCall(f"call_{len(calls)}", str(body["name"]), _arguments(body.get("arguments"))))
        return ""

    rest = _TOOL_CALL.sub(take, text or "")
    return rest.strip(), tuple(calls)


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        value = json.loads(raw or "{}")
    except (TypeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}
