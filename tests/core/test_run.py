"""`rbh run` end to end with the built-in baselines: results files, cache, limits, replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MINI_BENCHMARK, only_run_dir, run_cli, write_jsonl


def _results(out: Path) -> tuple[dict, Path]:
    run_dir = only_run_dir(out)
    return json.loads((run_dir / "results.json").read_text()), run_dir


def test_oracle_explicit_on_fixture(tmp_path: Path) -> None:
    out = tmp_path / "OUT"
    result = run_cli(
        "run", "--tasks", "explicit", "--model", "oracle", "--dataset", str(MINI_BENCHMARK), "--output", str(out), "--log-samples", "full"
    )
    assert result.code == 0, result.err
    assert "recall" in result.out and "1.0000" in result.out
    results, run_dir = _results(out)
    assert set(results["tasks"]) == {"movie_explicit", "book_explicit"}
    for task, data in results["tasks"].items():
        assert data["metrics"]["recall"]["value"] == 1.0
        assert data["metrics"]["precision"]["value"] == 1.0
        assert data["metrics"]["ndcg"]["value"] == 1.0
        assert data["metrics"]["ftr"]["value"] == 0.0
        rows = [json.loads(x) for x in (run_dir / "samples" / f"{task}.jsonl").read_text().splitlines()]
        assert len(rows) == data["counts"]["samples"] > 0
        assert all(r["metrics"]["recall"] == 1.0 for r in rows)
        assert all(set(r["resolved"]) == set(r["sample"]["ground_truth"]) for r in rows)
        assert data["dataset"]["fingerprint"]
    assert results["schema_version"] == 2 and results["rbh_version"]
    assert results["command"].startswith("rbh run --tasks explicit")
    assert results["plugins"]["baselines"].startswith("recbench-harness")


def test_every_subtype_and_variant_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "run",
        "--tasks",
        "recbench_extended,history,k5",
        "--model",
        "oracle",
        "--dataset",
        str(MINI_BENCHMARK),
        "--output",
        str(out),
        "--no-progress",
        "--log-samples",
        "full",
    )
    assert result.code == 0, result.err
    results, run_dir = _results(out)
    assert len(results["tasks"]) == 30
    for name, data in results["tasks"].items():
        assert data["metrics"]["recall"]["value"] == 1.0, name
    rows = [json.loads(x) for x in (run_dir / "samples" / "movie_explicit_history.jsonl").read_text().splitlines()]
    assert "The user has watched the following movies:[" in rows[0]["prompt"][1]["content"]
    k5 = [json.loads(x) for x in (run_dir / "samples" / "book_interest_k5.jsonl").read_text().splitlines()]
    assert all(len(r["parsed"]) <= 5 for r in k5)


def test_cache_resumes_and_no_cache_opts_out(tmp_path: Path, tiny_dataset: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    args = ["run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(tiny_dataset), "--cache", str(cache), "--no-progress"]
    first = run_cli(*args, "--output", str(tmp_path / "a"))
    second = run_cli(*args, "--output", str(tmp_path / "b"))
    third = run_cli(*args, "--output", str(tmp_path / "c"), "--no-cache")
    assert first.code == second.code == third.code == 0
    a, _ = _results(tmp_path / "a")
    b, run_b = _results(tmp_path / "b")
    c, _ = _results(tmp_path / "c")
    assert a["tasks"]["movie_explicit"]["counts"]["model_calls"] == 12
    assert b["tasks"]["movie_explicit"]["counts"] == {"samples": 12, "cached": 12, "model_calls": 0, "errors": 0}
    assert c["tasks"]["movie_explicit"]["counts"]["model_calls"] == 12
    assert a["tasks"]["movie_explicit"]["metrics"] == b["tasks"]["movie_explicit"]["metrics"]
    rows = [json.loads(x) for x in (run_b / "samples" / "movie_explicit.jsonl").read_text().splitlines()]
    assert all(r["cached"] for r in rows)


def test_limit_k_and_history_flags(tmp_path: Path, tiny_dataset: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "run",
        "--tasks",
        "movie_explicit",
        "--model",
        "random",
        "--dataset",
        str(tiny_dataset),
        "--limit",
        "4",
        "--k",
        "2",
        "--history",
        "--output",
        str(out),
        "--no-progress",
        "--log-samples",
        "full",
    )
    assert result.code == 0, result.err
    results, run_dir = _results(out)
    data = results["tasks"]["movie_explicit"]
    assert data["counts"]["samples"] == 4
    assert data["effective"]["k"] == 2 and data["effective"]["history"] is True
    rows = [json.loads(x) for x in (run_dir / "samples" / "movie_explicit.jsonl").read_text().splitlines()]
    assert all(len(r["parsed"]) == 2 for r in rows)
    assert "Please output 2 recommended movies" in rows[0]["prompt"][0]["content"]
    assert "The user has watched the following movies:[" in rows[0]["prompt"][1]["content"]


def test_random_and_popularity_are_between_zero_and_one(tmp_path: Path) -> None:
    for model in ("random", "popularity"):
        out = tmp_path / model
        result = run_cli(
            "run", "--tasks", "movie", "--model", model, "--dataset", str(MINI_BENCHMARK), "--output", str(out), "--no-progress"
        )
        assert result.code == 0, result.err
        results, _ = _results(out)
        for data in results["tasks"].values():
            assert 0.0 <= data["metrics"]["recall"]["value"] < 1.0


def test_replay_by_id_and_official_id_and_missing(tmp_path: Path, tiny_dataset: Path) -> None:
    responses = tmp_path / "responses.jsonl"
    write_jsonl(
        responses,
        [
            {"id": "movie-explicit-000000", "response": "Title Number 0 [SEP] Title Number 5"},
            {"id": "1", "response": "Title Number 1 (1991)"},  # matched through official_id
        ],
    )
    out = tmp_path / "out"
    result = run_cli(
        "run",
        "--tasks",
        "movie_explicit",
        "--model",
        f"replay:{responses}",
        "--dataset",
        str(tiny_dataset),
        "--output",
        str(out),
        "--no-progress",
        "--limit",
        "3",
    )
    assert result.code == 1, "a sample without a recorded response is a failure"
    assert "1 sample(s) failed" in result.err
    results, run_dir = _results(out)
    data = results["tasks"]["movie_explicit"]
    assert data["counts"]["errors"] == 1
    assert data["errors"][0]["id"] == "movie-explicit-000002"
    rows = {r["id"]: r for r in map(json.loads, (run_dir / "samples" / "movie_explicit.jsonl").read_text().splitlines())}
    assert rows["movie-explicit-000000"]["metrics"]["recall"] == pytest.approx(2 / 3)
    assert rows["movie-explicit-000001"]["resolved"] == ["movie-001"]


def test_rescore_writes_beside_results(tmp_path: Path, tiny_dataset: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli(
            "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out), "--no-progress"
        ).code
        == 0
    )
    run_dir = only_run_dir(out)
    before = (run_dir / "results.json").read_text()
    result = run_cli("score", str(run_dir))
    assert result.code == 0, result.err
    assert (run_dir / "results.json").read_text() == before
    rescored = json.loads((run_dir / "results.rbh.json").read_text())
    assert rescored["tasks"]["movie_explicit"]["metrics"]["recall"]["value"] == 1.0
    assert run_cli("score", str(tmp_path)).code == 2


def test_each_task_is_written_as_it_is_scored_into_a_hidden_folder(tmp_path: Path) -> None:
    """A run streams each task's sample rows into its hidden, not-yet-renamed folder once the task
    is scored (a run holds one task's rows in memory), and shows the folder only when whole."""
    from pluggy import HookimplMarker

    from rbh.models.spec import parse_model_spec
    from rbh.registry import get_registry
    from rbh.runner.plan import RunOptions
    from rbh.runner.run import run_evaluation

    out = tmp_path / "out"
    seen: list[tuple[str, list[str], list[str]]] = []

    class Watcher:
        @HookimplMarker("rbh")
        def on_sample_end(self, sample: object) -> None:
            task = sample.task  # type: ignore[attr-defined]
            if seen and seen[-1][0] == task:
                return
            hidden = [p for p in out.iterdir() if p.name.startswith(".")]
            visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
            written = sorted(p.name for p in (hidden[0] / "samples").glob("*.jsonl")) if hidden else []
            seen.append((task, written, visible))

    registry = get_registry()
    registry.pm.register(Watcher(), name="watcher")
    options = RunOptions(
        tasks="movie_explicit,book_explicit", model=parse_model_spec("oracle"), dataset=str(MINI_BENCHMARK), output=out, show_progress=False
    )
    outcome = run_evaluation(options, registry)
    assert outcome.exit_code == 0
    assert seen == [
        ("movie_explicit", [], []),  # a sample is announced as it is scored, before its task is written
        ("book_explicit", ["movie_explicit.jsonl"], []),  # the task before is written by then
    ]
    assert [p.name for p in out.iterdir()] == [outcome.run_dir.name]
    assert sorted(p.name for p in (outcome.run_dir / "samples").iterdir()) == ["book_explicit.jsonl", "movie_explicit.jsonl"]
