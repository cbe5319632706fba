"""`rbh run` and `rbh score` read and write one typed results model, and give identical results
for identical responses — in both scoring sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh.results import read_results, read_run
from tests.conftest import MINI_BENCHMARK, only_run_dir, run_cli


@pytest.mark.parametrize("scoring", ["rbh", "official"])
def test_run_and_score_agree(scoring: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli(
        "run", "--tasks", "movie_explicit,movie_misinformed,movie_demographics", "--model", "bm25",
        "--dataset", str(MINI_BENCHMARK), "--output", str(out), "--scoring", scoring, "--no-progress",
    )  # fmt: skip
    assert run.code == 0, run.err
    run_dir = only_run_dir(out)
    score = run_cli("score", str(run_dir / "results.json"), "--scoring", scoring)
    assert score.code == 0, score.err
    original, rescored = read_results(run_dir / "results.json"), read_results(run_dir / f"results.{scoring}.json")
    assert rescored.rescored is not None and original.rescored is None
    for name, task in original.tasks.items():
        again = rescored.tasks[name]
        assert again.metrics == task.metrics and again.breakdowns == task.breakdowns and again.errors == task.errors
        assert again.scorers == task.scorers
    results, samples = read_run(run_dir)
    assert results == original and set(samples) == set(original.tasks)
    raw = json.loads((run_dir / "results.json").read_text())
    assert raw["schema_version"] == 2 and raw["scoring"] == scoring


def test_official_differs_from_rbh_where_the_evaluators_differ(tmp_path: Path) -> None:
    """The scoring set changes the numbers (the official evaluator keeps years in ground-truth
    titles and matches with difflib), so the substitution really happens."""
    out = tmp_path / "out"
    assert (
        run_cli(
            "run",
            "--tasks",
            "movie_demographics",
            "--model",
            "bm25",
            "--dataset",
            str(MINI_BENCHMARK),
            "--output",
            str(out),
            "--no-progress",
        ).code
        == 0
    )
    run_dir = only_run_dir(out)
    assert run_cli("score", str(run_dir), "--scoring", "official").code == 0
    rbh = read_results(run_dir / "results.json").tasks["movie_demographics"]
    official = read_results(run_dir / "results.official.json").tasks["movie_demographics"]
    assert official.scorers["recall"]["plugin"] == "recbench"
    assert set(official.metrics) == set(rbh.metrics)
    assert official.metrics != rbh.metrics


def test_score_and_merge_refuse_a_changed_dataset_alike(tmp_path: Path) -> None:
    """One scoring path: `rbh score` (which used to re-score silently against a changed dataset)
    refuses it as `rbh merge` does, unless --dataset names the dataset to score against."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(MINI_BENCHMARK, data)
    out = tmp_path / "out"
    run = run_cli(
        "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(data), "--output", str(out),
        "--log-samples", "full", "--no-progress",
    )  # fmt: skip
    assert run.code == 0, run.err
    run_dir = only_run_dir(out)
    items = data / "movie_items" / "train.jsonl"
    items.write_bytes(items.read_bytes() + b"\n")  # the catalog's file changes: a new fingerprint
    refused = run_cli("score", str(run_dir))
    assert refused.code == 2 and "task movie_explicit: dataset" in refused.err and "has changed since the run" in refused.err
    assert refused.err.count("\n") == 1, refused.err
    forced = run_cli("score", str(run_dir), "--dataset", str(data))
    assert forced.code == 0, forced.err
    again = read_results(run_dir / "results.rbh.json").tasks["movie_explicit"]
    assert again.dataset.fingerprint != read_results(run_dir / "results.json").tasks["movie_explicit"].dataset.fingerprint


def test_one_module_scores_and_assembles() -> None:
    """run, score and merge score and assemble through `rbh.runner.scoring_pass` only."""
    import re

    from tests.conftest import REPO

    for name in ("run.py", "rescore.py", "merge.py"):
        text = (REPO / "harness" / "rbh" / "runner" / name).read_text(encoding="utf-8")
        assert not re.search(r"\b(score_task|PairedValues|paired_drops|run_groups|groups_for)\(", text), name
        assert "ScoringJob(" in text and "RunAssembly(" in text, name
