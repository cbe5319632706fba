"""SIGKILL half-way through an API run, then re-run: no completed sample is requested again,
and the final results equal an uninterrupted run's (docs/design.md §11–12)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.backends.conftest import SECRET, cached_count, kill_once_cached, sample_rows
from tests.conftest import make_dataset, only_run_dir, run_cli

KEEP = ("id", "response", "parsed", "resolved", "metrics")
N = 120


def test_sigkill_then_resume_sends_nothing_twice(tmp_path: Path, llm_server: Any) -> None:
    server = llm_server(latency=0.05, api_key=SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=N)
    cache = tmp_path / "cache.sqlite"
    env = {**os.environ, "RBH_TEST_KEY": SECRET}
    base = [
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-progress",
        "--model",
        "openai:fake-gpt",
        "--model-args",
        f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,concurrency=4",
    ]

    kill_once_cached([*base, "--cache", str(cache), "--output", str(tmp_path / "killed")], cache, N // 3, env)
    done = {key for key, n in server.delivered().items()}
    cached_before = cached_count(cache)
    assert 0 < cached_before < N, cached_before

    server.reset_log()
    resumed = run_cli(*base, "--cache", str(cache), "--output", str(tmp_path / "resumed"), env={"RBH_TEST_KEY": SECRET})
    assert resumed.code == 0, resumed.err
    asked_again = {e.key for e in server.log} & done
    # answers delivered but not yet stored when the process died may be asked again; stored ones never
    assert len(asked_again) <= len(done) - cached_before, "a completed (cached) sample was requested again"
    assert len(server.log) == N - cached_before
    assert server.duplicates() == {}

    fresh = run_cli(*base, "--no-cache", "--output", str(tmp_path / "fresh"), env={"RBH_TEST_KEY": SECRET})
    assert fresh.code == 0, fresh.err
    r = json.loads((only_run_dir(tmp_path / "resumed") / "results.json").read_text())["tasks"]["movie_explicit"]
    f = json.loads((only_run_dir(tmp_path / "fresh") / "results.json").read_text())["tasks"]["movie_explicit"]
    assert r["counts"]["cached"] == cached_before and r["counts"]["model_calls"] == N - cached_before
    assert r["metrics"] == f["metrics"]
    assert sample_rows(only_run_dir(tmp_path / "resumed"), KEEP) == sample_rows(only_run_dir(tmp_path / "fresh"), KEEP)
