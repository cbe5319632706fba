"""Fixtures of the interactive tests: scripted assistants behind the fake API server, which know
each conversation's answer from its opening message (they play a model that knows the KG)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import batch_server, llm_server  # noqa: F401 — the fake API and batch server fixtures
from tests.servers.llm_server import Reply

TASKS = "movie_explicit_interactive,book_misinformed_interactive"
LIMIT = "12"
KNOWN = 40  # samples of each task whose answers the scripted assistants know


@pytest.fixture(scope="session")
def answers(default_cache: Path) -> dict[str, list[str]]:
    """Opening message → the display titles of its sample's ground truth, for the scripted
    assistants (the opening is what the `kg` simulator says, seed 0)."""
    import os

    from rbh.data import load_dataset
    from rbh.interactive.simulator import SimulatorContext
    from rbh.registry import get_registry
    from rbh_kg.generator.default_dataset import default_dataset_path
    from rbh_kg.simulator.kg import KGSimulator

    os.environ["RBH_CACHE_DIR"] = str(default_cache)
    bench = load_dataset(default_dataset_path(progress=False))
    out: dict[str, list[str]] = {}
    for config in ("movie_explicit", "book_misinformed"):
        domain = config.split("_")[0]
        catalog, kg = bench.catalog(domain), bench.kg(domain)
        from rbh.data.resolution import ResolutionOptions

        context = SimulatorContext(catalog, kg, domain, "sep", ResolutionOptions(), 0, 5, get_registry())
        samples = bench.samples(config)[:KNOWN]
        for sample, conversation in zip(samples, KGSimulator(context).start(samples)):
            out[conversation.opening] = [catalog[i].display for i in sample.ground_truth]
    return out


def _user_turns(route: str, body: dict[str, Any]) -> list[str]:
    texts = []
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        content = m.get("content")
        if isinstance(content, str):
            texts.append(content)
    return texts


def _assistant_turns(body: dict[str, Any]) -> int:
    return sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")


def _tool_results(route: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalog_search results the conversation holds (openai tool messages, anthropic tool_result blocks)."""
    found = []
    for m in body.get("messages", []):
        if m.get("role") == "tool":
            found.append(json.loads(m["content"]))
        elif isinstance(m.get("content"), list):
            found.extend(json.loads(b["content"]) for b in m["content"] if b.get("type") == "tool_result")
    return found


def asker(answers: dict[str, list[str]]) -> Callable[[str, dict[str, Any]], Reply]:
    """Asks one question first (about the genre), then recommends the right titles."""

    def respond(route: str, body: dict[str, Any]) -> Reply:
        if _assistant_turns(body) == 0:
            return Reply("Happy to help! Which genre are you in the mood for?")
        return Reply(" [SEP] ".join(answers.get(_user_turns(route, body)[0], ["Nothing Known"])))

    return respond


def direct(answers: dict[str, list[str]]) -> Callable[[str, dict[str, Any]], Reply]:
    """Never asks: recommends the right titles at once."""

    def respond(route: str, body: dict[str, Any]) -> Reply:
        return Reply(" [SEP] ".join(answers.get(_user_turns(route, body)[0], ["Nothing Known"])))

    return respond


def tool_user(answers: dict[str, list[str]]) -> Callable[[str, dict[str, Any]], Reply]:
    """Looks the first right title up with catalog_search, then recommends what the search found."""

    def respond(route: str, body: dict[str, Any]) -> Reply:
        results = _tool_results(route, body)
        if not results:
            if not body.get("tools"):
                return Reply("No tools here. Which genre?")
            first = answers.get(_user_turns(route, body)[0], ["Nothing Known"])[0]
            title = first.rsplit(" (", 1)[0]
            return Reply("", tool_calls=[{"name": "catalog_search", "arguments": {"title": title, "limit": 3}}])
        found = [f"{r['title']} ({r['year']})" for r in results[-1]["results"]]
        return Reply(" [SEP] ".join(found) or "Nothing Found")

    return respond
