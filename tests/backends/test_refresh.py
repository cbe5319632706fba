"""`--refresh`: after a model's code changes (same backend, model and arguments, so the same cache
keys), every request is sent again and its cached answer replaced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.backends.conftest import rbh_main
from tests.conftest import make_dataset
from tests.servers.llm_server import Reply


def test_refresh_sends_again_and_replaces_the_cached_answers(tmp_path: Path, llm_server: Any) -> None:
    version = {"answer": "The Matrix (1999)"}
    server = llm_server(responder=lambda route, body: Reply(version["answer"]))
    dataset = make_dataset(tmp_path / "ds", n_samples=6)

    def run(name: str, *extra: str) -> list[str]:
        code, out, err = rbh_main(
            "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--cache", str(tmp_path / "cache.sqlite"),
            "--no-progress", "--output", str(tmp_path / "out"), "--run-name", name, "--log-samples", "full",
            "--model", "openai:fake", "--model-args", f"base_url={server.url}/v1,api_key=sk-x", *extra,
        )  # fmt: skip
        assert code == 0, err
        rows = (tmp_path / "out" / name / "samples" / "movie_explicit.jsonl").read_text().splitlines()
        return [json.loads(r)["response"] for r in rows]

    assert run("first") == ["The Matrix (1999)"] * 6 and sum(server.delivered().values()) == 6
    version["answer"] = "Heat (1995)"  # the model changed; its identity did not
    assert run("replayed") == ["The Matrix (1999)"] * 6, "without --refresh the cache answers"
    assert sum(server.delivered().values()) == 6
    assert run("refreshed", "--refresh") == ["Heat (1995)"] * 6
    assert sum(server.delivered().values()) == 12, "every request sent again"
    assert run("after") == ["Heat (1995)"] * 6, "the new answers replaced the old ones in the cache"
    assert sum(server.delivered().values()) == 12
    assert json.loads((tmp_path / "out" / "refreshed" / "results.json").read_text())["tasks"]["movie_explicit"]["counts"]["cached"] == 0
