"""A run killed with SIGKILL half-way resumes: nothing completed is recomputed, nothing lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import cached_count, kill_once_cached, make_dataset, only_run_dir, run_cli, write_jsonl

N = 60


def test_sigkill_then_resume(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "ds", n_samples=N)
    responses = write_jsonl(
        tmp_path / "rec.jsonl",
        ({"id": f"movie-explicit-{i:06d}", "response": f"Title Number {i % 40} [SEP] Title Number {(i * 7) % 40}"} for i in range(N)),
    )
    cache = tmp_path / "cache.sqlite"
    base = ["run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress"]
    model = ["--model", f"replay:{responses}", "--model-args", "delay_s=0.05"]

    kill_once_cached([*base, *model, "--cache", str(cache), "--output", str(tmp_path / "killed")], cache, N // 3, os.environ.copy())
    done_before = cached_count(cache)
    assert 0 < done_before < N, done_before
    assert not (tmp_path / "killed").exists() or not any(p for p in (tmp_path / "killed").iterdir() if not p.name.startswith(".")), (
        "a killed run writes no results"
    )

    resumed = run_cli(*base, *model, "--cache", str(cache), "--output", str(tmp_path / "resumed"))
    assert resumed.code == 0, resumed.err
    fresh = run_cli(*base, *model, "--no-cache", "--output", str(tmp_path / "fresh"))
    assert fresh.code == 0, fresh.err

    resumed_dir, fresh_dir = only_run_dir(tmp_path / "resumed"), only_run_dir(tmp_path / "fresh")
    r = json.loads((resumed_dir / "results.json").read_text())["tasks"]["movie_explicit"]
    f = json.loads((fresh_dir / "results.json").read_text())["tasks"]["movie_explicit"]
    assert r["counts"]["cached"] >= done_before
    assert r["counts"]["model_calls"] == N - r["counts"]["cached"], "no completed sample is recomputed"
    assert r["metrics"] == f["metrics"]

    def rows(d: Path) -> list[dict]:
        keep = ("id", "response", "parsed", "resolved", "metrics")
        return [{k: row[k] for k in keep} for row in map(json.loads, (d / "samples" / "movie_explicit.jsonl").read_text().splitlines())]

    assert rows(resumed_dir) == rows(fresh_dir)
