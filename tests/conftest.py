"""Shared fixtures: the repository paths, the shared real data, a CLI runner, tiny datasets."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MINI_BENCHMARK = FIXTURES / "mini-benchmark"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own rbh cache dir and a fresh plugin registry."""
    monkeypatch.setenv("RBH_CACHE_DIR", str(tmp_path_factory.mktemp("rbh-cache")))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path_factory.mktemp("hf-datasets-cache")))
    from rbh.registry import set_registry

    set_registry(None)
    yield
    set_registry(None)


@pytest.fixture
def shared_data() -> Path:
    """`../shared/data` (real RecBench+, MovieLens and TML1M files); skips when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED_DATA


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300) -> CliResult:
    """Run `rbh ARGS` in a subprocess (the real console entry point)."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "rbh.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> Any:
    return run_cli


def cached_count(cache: Path) -> int:
    """Completions in a response-cache database (0 while it does not exist yet)."""
    try:
        with sqlite3.connect(str(cache), timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_once_cached(args: list[str], cache: Path, at_least: int, env: dict[str, str], deadline_s: float = 120) -> None:
    """Start `rbh ARGS` in a subprocess and SIGKILL it once its response cache holds `at_least`
    completions (or it ended, or `deadline_s` passed)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rbh.cli.main", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO
    )
    deadline = time.time() + deadline_s
    while cached_count(cache) < at_least and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def install_plugins(target: Path, *names: str) -> Path:
    """Really pip-install fixture plugins (folders under tests/fixtures) into `target`, a folder
    the tests then put on PYTHONPATH."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target)]
        + [str(FIXTURES / name) for name in names],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return target


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    return path


def make_dataset(root: Path, n_samples: int = 12, domain: str = "movie", subtype: str = "explicit") -> Path:
    """A small synthetic dataset folder (JSONL per config) with a consistent catalog and KG."""
    items = [{"id": f"{domain}-{i:03d}", "title": f"Title Number {i}", "year": 1990 + i % 10, "aliases": []} for i in range(40)]
    kg = []
    for i, item in enumerate(items):
        kg.append({"item_id": item["id"], "relation": "directed_by", "entity": f"Director {i % 5}"})
        kg.append({"item_id": item["id"], "relation": "genre", "entity": ["Drama", "Comedy", "Action"][i % 3]})
    samples = []
    for s in range(n_samples):
        d = s % 5
        members = [it["id"] for i, it in enumerate(items) if i % 5 == d]
        samples.append(
            {
                "id": f"{domain}-{subtype}-{s:06d}",
                "domain": domain,
                "subtype": subtype,
                "query": f"Films directed by Director {d}, please (request {s})",
                "query_direct": None,
                "conditions": [{"relation": "directed_by", "entity": f"Director {d}"}],
                "bridges": [],
                "misinformation": [],
                "ground_truth": members[:3],
                "user_id": f"u{s}",
                "history": members[3:6],
                "group": None,
                "source": "test",
                "official_id": str(s),
                "ground_truth_titles": [],
            }
        )
    write_jsonl(root / f"{domain}_items" / "train.jsonl", items)
    write_jsonl(root / f"{domain}_kg" / "train.jsonl", kg)
    write_jsonl(root / f"{domain}_{subtype}" / "test.jsonl", samples)
    return root


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "tiny")


def only_run_dir(output: Path) -> Path:
    """The single run folder under an --output folder."""
    runs = [p for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(runs) == 1, runs
    return runs[0]


@pytest.fixture(scope="session")
def default_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An rbh cache dir holding the built `rbh-default` dataset, built once per test run: pytest-xdist
    workers share it (the first builds it under a lock, the others wait and reuse it)."""
    import fcntl
    import os

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's popen-gwN
    root = shared / "default-cache"
    root.mkdir(exist_ok=True)
    old = os.environ.get("RBH_CACHE_DIR")
    os.environ["RBH_CACHE_DIR"] = str(root)
    try:
        from rbh_kg.generator.default_dataset import default_dataset_path

        with (shared / "default-cache.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            default_dataset_path(progress=False)
    finally:
        if old is None:
            os.environ.pop("RBH_CACHE_DIR", None)
        else:
            os.environ["RBH_CACHE_DIR"] = old
    return root
