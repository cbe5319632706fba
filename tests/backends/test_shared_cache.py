"""Two `rbh run` processes sharing one response cache pay for each request once: the first to
reach the requests claims them, the other takes the answers from the cache as they are stored,
and takes over the claims of a holder that died (a counting server shows every request)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.backends.conftest import SECRET
from tests.conftest import REPO, cached_count, make_dataset, only_run_dir

N = 80
CONCURRENCY = 4


def _command(server: Any, dataset: Path, cache: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "rbh.cli.main", "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress",
        "--model", "openai:fake", "--model-args", f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,concurrency={CONCURRENCY}",
        "--cache", str(cache), "--output", str(out),
    ]  # fmt: skip


def _counts(out: Path) -> dict[str, int]:
    return json.loads((only_run_dir(out) / "results.json").read_text())["tasks"]["movie_explicit"]["counts"]


def test_two_processes_at_once_send_each_request_once(tmp_path: Path, llm_server: Any) -> None:
    server = llm_server(latency=0.02, api_key=SECRET)
    dataset, cache = make_dataset(tmp_path / "ds", n_samples=N), tmp_path / "shared.sqlite"
    env = {**os.environ, "RBH_TEST_KEY": SECRET}
    runs = [
        subprocess.Popen(
            _command(server, dataset, cache, tmp_path / name),
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read() if run.stderr else ""
    assert len(server.log) == N and server.duplicates() == {}, "every request sent once, by one of the two"
    a, b = _counts(tmp_path / "a"), _counts(tmp_path / "b")
    assert a["model_calls"] + b["model_calls"] == N and a["cached"] + b["cached"] == N, (a, b)
    rows = {
        name: [json.loads(line)["response"] for line in (only_run_dir(tmp_path / name) / "samples" / "movie_explicit.jsonl").open()]
        for name in ("a", "b")
    }
    assert rows["a"] == rows["b"], "both runs hold the same answers"


def test_a_holder_that_dies_is_taken_over_at_once(tmp_path: Path, llm_server: Any) -> None:
    server = llm_server(latency=0.03, api_key=SECRET)
    dataset, cache = make_dataset(tmp_path / "ds", n_samples=N), tmp_path / "shared.sqlite"
    env = {**os.environ, "RBH_TEST_KEY": SECRET}
    holder = subprocess.Popen(
        _command(server, dataset, cache, tmp_path / "a"), env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while cached_count(cache) < 4 and time.time() < deadline:
        time.sleep(0.01)
    waiter = subprocess.Popen(
        _command(server, dataset, cache, tmp_path / "b"), env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    while cached_count(cache) < N // 3 and time.time() < deadline:
        time.sleep(0.01)
    holder.kill()
    holder.wait()
    killed_at = time.monotonic()
    assert waiter.wait(timeout=120) == 0, waiter.stderr.read() if waiter.stderr else ""
    assert time.monotonic() - killed_at < 10, "the dead holder's claims were taken over without waiting out the lease"
    assert len(server.log) <= N + CONCURRENCY, "at most the dead holder's requests in flight are sent again"
    counts = _counts(tmp_path / "b")
    assert counts["samples"] == N and counts["errors"] == 0 and counts["model_calls"] + counts["cached"] == N


def test_claims_of_a_silent_holder_expire_after_the_lease(tmp_path: Path) -> None:
    """A holder on another host is judged by its heartbeat alone: alive while it beats, taken over
    once it has been silent for the lease."""
    import sqlite3

    from rbh.completion.cache import ResponseCache
    from rbh.completion.claims import Claims

    cache = ResponseCache(tmp_path / "c.sqlite")
    claims = Claims(cache.path, lease_s=60)
    try:
        with sqlite3.connect(cache.path) as conn:
            conn.execute("INSERT INTO claimants VALUES ('elsewhere:1:x', ?)", (time.time(),))
            conn.execute("INSERT INTO claims VALUES ('k1', 'elsewhere:1:x', ?)", (time.time(),))
        assert claims.claim(["k1", "k2"]) == (["k2"], ["k1"]), "a beating holder keeps its key"
        with sqlite3.connect(cache.path) as conn:
            conn.execute("UPDATE claimants SET beat = ? WHERE owner = 'elsewhere:1:x'", (time.time() - 61,))
        assert claims.claim(["k1"]) == (["k1"], []), "silent for the lease: taken over"
        claims.release(["k1", "k2"])  # written with the next ones, at most a second late
        claims.flush()
        with sqlite3.connect(cache.path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    finally:
        claims.close()
        cache.close()
