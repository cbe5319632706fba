"""A 500-sample run against a server that fails 45% of attempts (docs/design.md §12 "Faults"): every
sample completes or is reported, no request is answered twice, a re-run retries only failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import SECRET, rbh_main, sample_rows
from tests.conftest import make_dataset, only_run_dir
from tests.servers.llm_server import Faults

N = 500


@pytest.mark.parametrize("transport", ["direct", "aiohttp", "httpx"])
def test_faulty_server_500_samples(tmp_path: Path, llm_server: Any, monkeypatch: Any, transport: str) -> None:
    faults = Faults(rate_limit=0.30, server_error=0.10, drop=0.05, retry_after="0.02")
    server = llm_server(faults=faults, api_key=SECRET, echo_key_in_errors=True, seed=7)
    monkeypatch.setenv("RBH_TEST_KEY", SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=N)
    cache = tmp_path / "cache.sqlite"
    args = [
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-progress",
        "--cache",
        str(cache),
        "--model",
        "openai:fake-gpt",
        "--model-args",
        f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,concurrency=32,max_retries=4,retry_base_delay=0.01,timeout=10,http_client={transport}",
    ]

    code, out, err = rbh_main(*args, "--output", str(tmp_path / "first"))
    rows = sample_rows(only_run_dir(tmp_path / "first"))
    results = json.loads((only_run_dir(tmp_path / "first") / "results.json").read_text())["tasks"]["movie_explicit"]

    assert len(rows) == N and len({r["id"] for r in rows}) == N, "no sample silently missing"
    failed = [r for r in rows if r["error"]]
    assert all(r["response"] for r in rows if not r["error"])
    assert sorted(e["id"] for e in results["errors"]) == sorted(r["id"] for r in failed), "each failure is reported"
    assert code == (1 if failed else 0), err
    outcomes = server.outcomes()
    assert outcomes["rate_limit"] > 50 and outcomes["server_error"] > 10 and outcomes["drop"] > 5, outcomes
    assert server.duplicates() == {}, "a request was answered twice"
    assert sum(server.delivered().values()) == N - len(failed)

    # the re-run sends only the failed samples (max_retries=0 would still report them; give it room)
    server.reset_log()
    server.faults = Faults()
    code2, _, err2 = rbh_main(*args, "--output", str(tmp_path / "second"))
    assert code2 == 0, err2
    assert len(server.log) == len(failed), "a re-run asks only for what failed"
    second = json.loads((only_run_dir(tmp_path / "second") / "results.json").read_text())["tasks"]["movie_explicit"]
    assert second["counts"]["cached"] == N - len(failed)
    assert second["counts"]["errors"] == 0
