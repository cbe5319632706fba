"""Scorers as plugins: a third-party scorer through `register_scorers`, options from task YAML,
resolution options per metric, breakdowns and `rbh score` on a run folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pluggy
import pytest

import rbh_baselines
import rbh_recbench
from rbh import Scorer, ScoringInput, hookimpl, hookspecs
from rbh.cli.main import main
from rbh.registry import Registry, set_registry
from tests.conftest import make_dataset, only_run_dir


class LengthScorer(Scorer):
    """A third-party metric: number of recommendations, capped by an option."""

    name = "n_recommended"
    description = "how many titles the response recommended"

    class Options(Scorer.Options):
        cap: int = 100

    def score(self, x: ScoringInput) -> float | None:
        return float(min(len(x.recommended), self.options.cap))


class ThirdPartyPlugin:
    @hookimpl
    def register_scorers(self, register: Callable[..., None]) -> None:
        register(LengthScorer)


@pytest.fixture
def registry() -> Registry:
    pm = pluggy.PluginManager("rbh")
    pm.add_hookspecs(hookspecs)
    pm.register(rbh_recbench, name="recbench")
    pm.register(rbh_baselines, name="baselines")
    pm.register(ThirdPartyPlugin(), name="third_party")
    reg = Registry(pm)
    set_registry(reg)
    return reg


def _task(tmp_path: Path, metrics: str) -> Path:
    path = tmp_path / "tasks" / "my_task.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "task: my_task\ndataset: {name: rbh-default, config: movie_explicit}\n"
        "prompt: {system: recommend/system.jinja, user: recommend/user.jinja}\n"
        f"metrics: {metrics}\n",
        encoding="utf-8",
    )
    return path


def test_third_party_scorer_with_yaml_options(registry: Registry, tmp_path: Path) -> None:
    assert registry.scorer("n_recommended").plugin == "third_party"
    dataset = make_dataset(tmp_path / "data")
    task = _task(tmp_path, "[recall, {n_recommended: {cap: 2}}, {cmr: {resolution: {fuzzy: false}}}]")
    code = main(
        [
            "run",
            "--tasks",
            str(task),
            "--model",
            "oracle",
            "--dataset",
            str(dataset),
            "--no-cache",
            "--no-progress",
            "--output",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    results = json.loads((only_run_dir(tmp_path / "out") / "results.json").read_text())
    metrics = results["tasks"]["my_task"]["metrics"]
    assert metrics["n_recommended"]["value"] == 2.0 and metrics["recall"]["value"] == 1.0
    assert metrics["cmr"]["value"] == 1.0 and metrics["cmr_coverage"]["value"] == 1.0
    assert results["tasks"]["my_task"]["scorers"]["n_recommended"]["plugin"] == "third_party"


def test_bad_scorer_options_are_one_clear_error(registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = make_dataset(tmp_path / "data")
    task = _task(tmp_path, "[{recall: {resolution: {fuzzy_threshold: 200}}}]")
    code = main(
        [
            "run",
            "--tasks",
            str(task),
            "--model",
            "oracle",
            "--dataset",
            str(dataset),
            "--no-cache",
            "--no-progress",
            "--output",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    assert "metric recall: bad options" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_breakdowns_and_rescore(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data", n_samples=10)
    rows = [json.loads(x) for x in (dataset / "movie_explicit" / "test.jsonl").read_text().splitlines()]
    for i, row in enumerate(rows):  # two condition counts, two relations
        if i % 2:
            row["conditions"].append({"relation": "genre", "entity": ["Drama", "Comedy", "Action"][i % 3]})
    (dataset / "movie_explicit" / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                "--tasks",
                "movie_explicit",
                "--model",
                "random",
                "--dataset",
                str(dataset),
                "--no-cache",
                "--no-progress",
                "--output",
                str(out),
                "--breakdown",
            ]
        )
        == 0
    )
    run_dir = only_run_dir(out)
    task = json.loads((run_dir / "results.json").read_text())["tasks"]["movie_explicit"]
    breakdowns = task["breakdowns"]
    assert set(breakdowns["n_conditions"]) == {"1", "2"}
    assert set(breakdowns["relation"]) == {"directed_by", "genre"}
    assert breakdowns["n_conditions"]["1"]["recall"]["n"] == 5
    assert set(breakdowns["n_conditions"]["2"]["cmr"]) == {"value", "stderr", "n"}
    for scoring in ("official", "rbh"):
        assert main(["score", str(run_dir), "--scoring", scoring, "--breakdown"]) == 0
        rescored = json.loads((run_dir / f"results.{scoring}.json").read_text())
        assert rescored["scoring"] == scoring
        by_count = rescored["tasks"]["movie_explicit"]["breakdowns"]["n_conditions"]["1"]
        assert by_count["recall"]["n"] == 5 and "cmr" in by_count  # substituted metrics broken down too
    rbh_again = json.loads((run_dir / "results.rbh.json").read_text())["tasks"]["movie_explicit"]
    assert rbh_again["metrics"] == task["metrics"]  # same responses, same seed: identical numbers


def test_rescore_recomputes_group_and_overall_rows(tmp_path: Path) -> None:
    """`rbh score` writes group and overall rows of the new task scores, not the run's old ones."""
    from rbh.results import read_run
    from tests.results.conftest import make_run

    run_dir = make_run(tmp_path / "runs", "random", "--seed", "3")
    before, _ = read_run(run_dir)
    assert main(["score", str(run_dir), "--seed", "11"]) == 0  # the same responses, other bootstrap draws
    after = json.loads((run_dir / "results.rbh.json").read_text())
    tasks = {name: t["metrics"]["recall"] for name, t in after["tasks"].items()}
    n = sum(m["n"] for m in tasks.values())
    assert after["overall"]["metrics"]["recall"]["value"] == pytest.approx(sum(m["value"] * m["n"] for m in tasks.values()) / n)
    stderr = (sum((m["stderr"] * m["n"]) ** 2 for m in tasks.values()) ** 0.5) / n
    assert after["overall"]["metrics"]["recall"]["stderr"] == pytest.approx(stderr)
    assert after["overall"]["metrics"]["recall"]["stderr"] != before.overall.metrics["recall"].stderr


def test_task_level_resolution_with_metric_override(registry: Registry, tmp_path: Path) -> None:
    """`resolution:` on the task applies to every metric unless a metric sets its own."""
    dataset = make_dataset(tmp_path / "data")
    responses = tmp_path / "responses.jsonl"
    responses.write_text(json.dumps({"id": "movie-explicit-000000", "response": "Title Numbr 0 [SEP] Title Number 5"}) + "\n")
    task = _task(tmp_path, "[recall, {precision: {resolution: {fuzzy: true}}}]")
    task.write_text(task.read_text() + "resolution: {fuzzy: false}\n")
    code = main(
        [
            "run",
            "--tasks",
            str(task),
            "--model",
            f"replay:{responses}",
            "--dataset",
            str(dataset),
            "--limit",
            "1",
            "--no-cache",
            "--no-progress",
            "--output",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    run_dir = only_run_dir(tmp_path / "out")
    row = json.loads((run_dir / "samples" / "my_task.jsonl").read_text().splitlines()[0])
    assert row["resolved"] == [None, "movie-005"]  # recorded with the task's options: no fuzzy
    assert row["metrics"]["recall"] == pytest.approx(1 / 3)
    assert row["metrics"]["precision"] == pytest.approx(2 / 2)  # its own options allow the fuzzy match
