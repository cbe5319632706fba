"""The run folder: summary.md and results.csv, group and overall rows, slim and full sample rows,
`rbh show`, re-scoring from slim rows, and permissions that follow the umask."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from rbh.results import read_run
from tests.backends.conftest import rbh_main
from tests.conftest import MINI_BENCHMARK
from tests.results.conftest import make_run


def test_summary_and_csv_hold_the_table_with_group_and_overall_rows(random_run: Path) -> None:
    results, _ = read_run(random_run)
    summary = (random_run / "summary.md").read_text()
    recall = results.tasks["movie_explicit"].metrics["recall"]
    assert f"| movie_explicit | 10 | {recall.value:.4f} ± {recall.stderr:.4f} |" in summary
    assert "| **movie** (micro) | 50 |" in summary and "| **overall** (micro) | 50 |" in summary
    assert results.groups["movie"].tasks == list(results.tasks)
    # micro: the sample-weighted mean of the task means
    weighted = sum(t.metrics["recall"].value * t.metrics["recall"].n for t in results.tasks.values()) / 50
    assert results.overall is not None and results.overall.metrics["recall"].value == pytest.approx(weighted)
    rows = list(csv.DictReader(io.StringIO((random_run / "results.csv").read_text())))
    by_key = {(r["kind"], r["name"], r["metric"]): r for r in rows}
    assert float(by_key[("task", "movie_explicit", "recall")]["value"]) == pytest.approx(recall.value)
    assert ("overall", "overall", "recall") in by_key and ("group", "movie", "cmr") in by_key


def test_group_yaml_declares_macro_aggregation(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "pair.yaml").write_text(
        "group: pair\ntasks: [movie_explicit, movie_interest]\naggregate_metric_list:\n"
        "  - {metric: recall, aggregation: mean, weight_by_size: false}\n"
    )
    run = make_run(tmp_path / "out", "random", tasks=f"movie_explicit,movie_interest,{tasks / 'pair.yaml'}")
    results, _ = read_run(run)
    pair = results.groups["pair"]
    assert pair.aggregation["recall"] == "macro" and pair.aggregation["ndcg"] == "micro"
    means = [results.tasks[t].metrics["recall"].value for t in ("movie_explicit", "movie_interest")]
    assert pair.metrics["recall"].value == pytest.approx(sum(means) / 2)


def test_bad_aggregation_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text("group: g\ntasks: [movie_explicit]\naggregate_metric_list: [{metric: recall, aggregation: max}]\n")
    code, _, err = rbh_main("run", "--tasks", str(tmp_path / "g.yaml"), "--model", "oracle", "--dataset", str(MINI_BENCHMARK))
    assert code == 2 and err.count("\n") == 1 and "aggregation 'max' is not supported" in err


def test_slim_rows_name_the_sample_and_full_rows_copy_it(oracle_run: Path, tmp_path: Path) -> None:
    results, samples = read_run(oracle_run)
    fingerprint = results.tasks["movie_explicit"].dataset.fingerprint
    assert results.log_samples == "slim"
    assert all(r.sample is None and r.fingerprint == fingerprint for r in samples["movie_explicit"])
    full = make_run(tmp_path / "full", "oracle", "--log-samples", "full")
    full_results, full_samples = read_run(full)
    assert full_results.log_samples == "full" and full_samples["movie_explicit"][0].sample["id"] == samples["movie_explicit"][0].id
    size = lambda d: sum(p.stat().st_size for p in (d / "samples").iterdir())  # noqa: E731
    assert size(oracle_run) < size(full)
    none = make_run(tmp_path / "none", "oracle", "--no-log-samples")
    assert not (none / "samples").exists() and read_run(none)[1] == {}
    code, out, _ = rbh_main("show", str(none))
    assert code == 0 and "overall" in out


def test_rescoring_slim_rows_gives_the_same_results(random_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "copy"
    shutil.copytree(random_run, run)
    code, _, err = rbh_main("score", str(run))
    assert code == 0, err
    before = json.loads((run / "results.json").read_text())
    after = json.loads((run / "results.rbh.json").read_text())
    assert {t: v["metrics"] for t, v in after["tasks"].items()} == {t: v["metrics"] for t, v in before["tasks"].items()}


def test_slim_rows_without_their_dataset_fail_clearly(oracle_run: Path, tmp_path: Path) -> None:
    data = shutil.copytree(MINI_BENCHMARK, tmp_path / "data")
    run = make_run(tmp_path / "out", "oracle", tasks="movie_explicit")
    raw = json.loads((run / "results.json").read_text())
    raw["tasks"]["movie_explicit"]["dataset"].update(spec=str(data), name=str(data))
    raw["tasks"]["movie_explicit"]["config"]["dataset"]["name"] = str(data)
    (run / "results.json").write_text(json.dumps(raw))
    shutil.rmtree(data)
    code, _, err = rbh_main("score", str(run))
    assert code == 2 and err.count("\n") == 1
    assert "by fingerprint" in err and "not available" in err and "--log-samples full" in err


def test_show_prints_the_saved_table_without_rescoring(random_run: Path) -> None:
    results, _ = read_run(random_run)
    code, out, err = rbh_main("show", str(random_run))
    assert code == 0, err
    assert f"{results.tasks['movie_implicit'].metrics['recall'].value:.4f}" in out
    assert "overall" in out and "movie" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    code, md, _ = rbh_main("show", str(random_run / "results.json"), "--format", "markdown")
    assert code == 0 and md.startswith("| task |") and md in (random_run / "summary.md").read_text()
    assert not (random_run / "results.rbh.json").exists()


def test_run_folders_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        run = make_run(tmp_path / "out", "oracle", tasks="movie_explicit")
    finally:
        os.umask(old)
    assert stat.S_IMODE(run.stat().st_mode) == 0o755
    assert stat.S_IMODE((run / "results.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((run / "samples").stat().st_mode) == 0o755
