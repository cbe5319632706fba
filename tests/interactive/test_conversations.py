"""Interactive tasks end to end against the fake OpenAI and Anthropic servers: an assistant that
asks, one that never asks, one that calls the catalog tool; the conversation records, the turn
curve, tools against no tools on the same task, `rbh score` on the saved conversations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import SECRET
from tests.conftest import only_run_dir, run_cli
from tests.interactive.conftest import LIMIT, TASKS, asker, direct, tool_user


def _run(tmp_path: Path, server: Any, backend: str, *extra: str, out: str = "out", cache: str | None = None) -> Path:
    args = [
        "run", "--tasks", TASKS, "--limit", LIMIT, "--model", f"{backend}:fake", "--no-progress", "--output", str(tmp_path / out),
        "--model-args", f"base_url={server.url}{'/v1' if backend == 'openai' else ''},api_key_env=RBH_TEST_KEY,concurrency=4",
        *(["--cache", cache] if cache else ["--no-cache"]), *extra,
    ]  # fmt: skip
    result = run_cli(*args, env={"RBH_TEST_KEY": SECRET})
    assert result.code == 0, result.err
    return only_run_dir(tmp_path / out)


def _tasks(run: Path) -> dict[str, Any]:
    return json.loads((run / "results.json").read_text())["tasks"]


def _rows(run: Path, task: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run / "samples" / f"{task}.jsonl").read_text().splitlines()]


def test_an_assistant_that_asks_succeeds_at_turn_two(tmp_path, llm_server, answers, monkeypatch, default_cache):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    server = llm_server(api_key=SECRET, responder=asker(answers))
    run = _run(tmp_path, server, "openai")
    for name, task in _tasks(run).items():
        m = task["metrics"]
        assert m["success"]["value"] == 1.0 and m["success@1"]["value"] == 0.0 and m["success@2"]["value"] == 1.0, name
        assert m["turns"]["value"] == 2.0 and m["questions"]["value"] == 1.0 and m["recall"]["value"] == 1.0, name
        assert task["counts"]["samples"] == int(LIMIT) and task["counts"]["model_calls"] == 2 * int(LIMIT), name
        for row in _rows(run, name):
            conversation = row["conversation"]
            first, second = conversation["turns"]
            assert first["questions"] == 1 and first["asked"] == ["genre"] and not first["accepted"]
            unsaid = [c for c in conversation["plan"] if c["relation"] == "genre" and c["kind"] in ("on_ask", "hidden")]
            assert first["relevant"] == (1 if unsaid else 0), "a question about a genre not yet given is relevant"
            genre_asked = [c for c in unsaid if c["kind"] == "on_ask"]
            if genre_asked:  # the answer gives the genre the user had kept for a question (a hidden one stays hidden)
                assert {"relation": "genre", "entity": genre_asked[0]["entity"], "how": "asked"} in first["revealed"]
                assert genre_asked[0]["entity"].lower() in first["user"].lower()
            assert second["accepted"] and row["metrics"]["success"] == 1.0
    # the misinformed opening carries the false premise; nobody asked about it, so it stands
    rows = _rows(run, "book_misinformed_interactive")
    assert all(not any(r["how"] == "corrected" for t in row["conversation"]["turns"] for r in t["revealed"]) for row in rows)


def test_an_assistant_that_never_asks_succeeds_at_turn_one_on_anthropic(tmp_path, llm_server, answers, monkeypatch, default_cache):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    server = llm_server(api_key=SECRET, responder=direct(answers))
    run = _run(tmp_path, server, "anthropic")
    for name, task in _tasks(run).items():
        m = task["metrics"]
        assert m["success@1"]["value"] == 1.0 and m["questions"]["value"] == 0.0 and m["turns"]["value"] == 1.0, name
        assert m["question_relevance"]["value"] is None and m["discovered"]["n"] == 0 or m["discovered"]["value"] == 0.0
        assert task["counts"]["model_calls"] == int(LIMIT)
    summary = (run / "summary.md").read_text()
    assert "success@1" in summary


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_the_catalog_tool_through_native_tool_calling(tmp_path, llm_server, answers, monkeypatch, default_cache, backend):
    """The same tasks with and without `--tools catalog_search`: with it, every first turn is a
    search the harness answers from the dataset, and the assistant recommends what it found."""
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    server = llm_server(api_key=SECRET, responder=tool_user(answers))
    with_tools = _run(tmp_path, server, backend, "--tools", "catalog_search", out="tools")
    without = _run(tmp_path, server, backend, out="plain")
    for name, task in _tasks(with_tools).items():
        m = task["metrics"]
        assert m["tool_calls"]["value"] == 1.0 and m["success@1"]["value"] == 1.0, name
        assert task["config"]["tools"] == ["catalog_search"]
        assert task["counts"]["model_calls"] == 2 * int(LIMIT), "a search round, then the answer"
        assert _tasks(without)[name]["metrics"]["tool_calls"]["value"] == 0.0
        assert _tasks(without)[name]["metrics"]["success@1"]["value"] == 0.0
    compare = run_cli("compare", str(with_tools), str(without))
    assert compare.code == 0, compare.err
    assert "success by turn" in compare.out and "pass^1" in compare.out and "success" in compare.out


def test_rbh_score_rescored_the_saved_conversations(tmp_path, llm_server, answers, monkeypatch, default_cache):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    server = llm_server(api_key=SECRET, responder=asker(answers))
    run = _run(tmp_path, server, "openai")
    server.reset_log()
    result = run_cli("score", str(run))
    assert result.code == 0, result.err
    assert not server.log, "re-scoring sends nothing"
    again = json.loads((run / "results.rbh.json").read_text())["tasks"]
    for name, task in _tasks(run).items():
        for metric in ("success", "success@2", "turns", "questions", "question_relevance", "discovered", "recall"):
            assert again[name]["metrics"][metric] == task["metrics"][metric], (name, metric)
