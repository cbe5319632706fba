"""Batch mode against the local batch server: results equal a live run's, partial failures are
re-batched / sent live / kept as configured, expiry, cancel, and SIGKILL while polling followed
by a re-run that submits nothing new."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import SECRET, rbh_main, sample_rows
from tests.conftest import REPO, make_dataset, only_run_dir
from tests.servers.batch_server import BatchPlan, BatchServer

N = 24


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("batch") / "ds", n_samples=N)


def _url(server: BatchServer, backend: str) -> str:
    return f"{server.url}/v1" if backend == "openai" else server.url


def _run(
    backend: str, server: BatchServer, dataset: Path, out: Path, *extra: str, args: str = "", cache: Path | None = None
) -> tuple[int, str]:
    model_args = f"base_url={_url(server, backend)},api_key_env=RBH_TEST_KEY,batch_poll=0.01,retry_base_delay=0.01{args}"
    cache_args = ["--cache", str(cache)] if cache else ["--no-cache"]
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress", "--output", str(out),
        "--model", f"{backend}:fake-model", "--model-args", model_args, *cache_args, *extra,
    )  # fmt: skip
    return code, err


def _results(out: Path) -> dict[str, Any]:
    return json.loads((only_run_dir(out) / "results.json").read_text())


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RBH_TEST_KEY", SECRET)


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_batch_run_equals_live_run(backend: str, batch_server: Any, dataset: Path, tmp_path: Path) -> None:
    server = batch_server(polls_per_state=2)
    cache = tmp_path / "cache.sqlite"
    code, err = _run(backend, server, dataset, tmp_path / "batch", "--batch", args=",batch_size=10,price_in=2,price_out=8", cache=cache)
    assert code == 0, err
    assert server.created() == 3 and all(n == 1 for n in server.submitted.values()) and len(server.submitted) == N
    code, err = _run(backend, server, dataset, tmp_path / "live", args=",price_in=2,price_out=8")
    assert code == 0, err
    batch, live = sample_rows(only_run_dir(tmp_path / "batch")), sample_rows(only_run_dir(tmp_path / "live"))
    keep = ("id", "response", "parsed", "resolved", "metrics", "usage", "finish_reason")
    assert [{k: r[k] for k in keep} for r in batch] == [{k: r[k] for k in keep} for r in live]
    assert all(r["batch_id"] and r["batch_id"].startswith(("batch_", "msgbatch_")) for r in batch)
    assert all(r["batch_id"] is None for r in live)
    b, l_ = _results(tmp_path / "batch"), _results(tmp_path / "live")
    assert b["tasks"]["movie_explicit"]["metrics"] == l_["tasks"]["movie_explicit"]["metrics"]
    # the batch discount: same tokens, half the price
    assert b["cost"]["batch_calls"] == N and l_["cost"]["batch_calls"] == 0
    assert b["cost"]["usd"] == pytest.approx(l_["cost"]["usd"] / 2, rel=1e-6) and l_["cost"]["usd"] > 0
    # the same cache entries as a live run: a live re-run over the batch cache sends nothing
    server.reset_log()
    code, err = _run(backend, server, dataset, tmp_path / "again", cache=cache)
    assert code == 0, err
    assert server.log == [] and _results(tmp_path / "again")["tasks"]["movie_explicit"]["counts"]["cached"] == N
    assert SECRET not in (tmp_path / "batch").joinpath(only_run_dir(tmp_path / "batch").name, "results.json").read_text()


@pytest.mark.parametrize(
    ("backend", "retry", "batches", "failed"),
    [("openai", "batch", 2, 2), ("anthropic", "batch", 2, 2), ("openai", "live", 1, 2), ("anthropic", "fail", 1, 6)],
)
def test_failed_lines_rebatched_live_or_kept(
    backend: str, retry: str, batches: int, failed: int, batch_server: Any, dataset: Path, tmp_path: Path
) -> None:
    # every 5th line a 500 (retryable: 4 of 24), every 12th a 400 (kept: 2 of 24)
    server = batch_server(plans=[BatchPlan(fail_every=5, bad_every=12)])
    code, err = _run(backend, server, dataset, tmp_path / "out", "--batch", args=f",batch_retry={retry}")
    assert code == 1, err
    assert server.created() == batches
    errors = _results(tmp_path / "out")["tasks"]["movie_explicit"]["errors"]
    assert len(errors) == failed
    assert all(("HTTP 400" in e["error"]) or ("invalid_request_error" in e["error"]) or ("api_error" in e["error"]) for e in errors)
    live = [e for e in server.log if e.route in ("openai", "anthropic")]
    assert len(live) == (4 if retry == "live" else 0)
    assert server.duplicates() == {}


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_expired_batch_rebatches_the_rest(backend: str, batch_server: Any, dataset: Path, tmp_path: Path) -> None:
    server = batch_server(plans=[BatchPlan(expire_after=10)])
    code, err = _run(backend, server, dataset, tmp_path / "out", "--batch")
    assert code == 0, err
    assert server.created() == 2
    assert len(next(iter(list(server.batches.values())[1:])).lines) == N - 10
    assert server.duplicates() == {}


def _recorded(cache: Path) -> list[str]:
    try:
        with sqlite3.connect(str(cache), timeout=1) as conn:
            return [r[0] for r in conn.execute("SELECT id FROM batches WHERE done = 0")]
    except sqlite3.Error:
        return []


def _start_and_kill(backend: str, server: BatchServer, dataset: Path, cache: Path, out: Path) -> str:
    """Start `rbh run --batch` in a subprocess, SIGKILL it while it polls; return the batch id."""
    args = f"base_url={_url(server, backend)},api_key_env=RBH_TEST_KEY,batch_poll=0.02"
    cmd = ["run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress", "--batch", "--cache", str(cache)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "rbh.cli.main", *cmd, "--output", str(out), "--model", f"{backend}:fake-model", "--model-args", args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RBH_TEST_KEY": SECRET}, cwd=REPO,
    )  # fmt: skip
    deadline = time.time() + 60
    while not _recorded(cache) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    polled = sum(b.polls for b in server.batches.values())
    while sum(b.polls for b in server.batches.values()) < polled + 3 and time.time() < deadline:
        time.sleep(0.02)  # it is polling now
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    [batch_id] = _recorded(cache)
    return batch_id


def test_sigkill_while_polling_then_rerun_submits_nothing_new(batch_server: Any, dataset: Path, tmp_path: Path) -> None:
    server = batch_server(hold=True)
    cache = tmp_path / "cache.sqlite"
    batch_id = _start_and_kill("openai", server, dataset, cache, tmp_path / "killed")
    assert server.created() == 1 and server.batches[batch_id].state == "in_progress"

    code, out, err = rbh_main("batches", "list", "--cache", str(cache))
    assert code == 0 and batch_id in out and "in_progress" in out, err

    server.hold = False
    code, err = _run("openai", server, dataset, tmp_path / "resumed", "--batch", cache=cache)
    assert code == 0, err
    assert server.created() == 1, "the re-run submitted a new batch"
    assert all(n == 1 for n in server.submitted.values()) and server.duplicates() == {}
    rows = sample_rows(only_run_dir(tmp_path / "resumed"))
    assert len(rows) == N and {r["batch_id"] for r in rows} == {batch_id} and not any(r["error"] for r in rows)
    assert _recorded(cache) == []
    code, out, _ = rbh_main("batches", "list", "--cache", str(cache))
    assert code == 0 and "no batches in flight" in out


def test_cancel_then_rerun_collects_and_resends_the_rest(batch_server: Any, dataset: Path, tmp_path: Path) -> None:
    server = batch_server(hold=True)
    cache = tmp_path / "cache.sqlite"
    batch_id = _start_and_kill("anthropic", server, dataset, cache, tmp_path / "killed")
    code, out, err = rbh_main("batches", "cancel", batch_id, "--cache", str(cache))
    assert code == 0, err
    assert server.batches[batch_id].cancel and f"batch {batch_id}: " in out
    code, _, err = rbh_main("batches", "cancel", "msgbatch_nope", "--cache", str(cache))
    assert code == 2 and err.startswith("error: no batch 'msgbatch_nope'")

    server.hold = False
    code, err = _run("anthropic", server, dataset, tmp_path / "resumed", "--batch", cache=cache)
    assert code == 0, err
    assert server.created() == 2  # the cancelled half went into a new batch
    assert sum(server.submitted.values()) == N + N // 2 and server.duplicates() == {}
    assert len({r["batch_id"] for r in sample_rows(only_run_dir(tmp_path / "resumed"))}) == 2


def test_batch_needs_a_backend_with_a_batch_api(dataset: Path, tmp_path: Path) -> None:
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--model", "oracle", "--batch", "--output", str(tmp_path)
    )
    assert code == 2 and err.strip() == "error: --batch: the oracle backend has no batch API (openai and anthropic have)"
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--model", "openai:x", "--batch",
        "--model-args", "base_url=http://127.0.0.1:9/v1,batch_retry=sometimes", "--output", str(tmp_path),
    )  # fmt: skip
    assert code == 2 and "batch_retry must be one of batch, live, fail" in err
    assert not list(tmp_path.iterdir())
