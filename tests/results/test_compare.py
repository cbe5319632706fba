"""`rbh compare`: the leaderboard equals the runs' results, paired differences with bootstrap
intervals on shared samples, every format, and loud warnings when runs are not comparable."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rbh.results import read_run
from tests.backends.conftest import rbh_main
from tests.results.conftest import make_run


def test_json_leaderboard_values_and_paired_differences(oracle_run: Path, random_run: Path) -> None:
    code, out, err = rbh_main("compare", str(oracle_run), str(random_run), "--format", "json", "--metrics", "recall,cmr")
    assert code == 0, err
    data = json.loads(out)
    assert [r["label"] for r in data["runs"]] == ["oracle", "random"]
    rnd, rnd_samples = read_run(random_run)
    assert data["runs"][1]["values"]["movie_explicit"]["recall"]["value"] == rnd.tasks["movie_explicit"].metrics["recall"].value
    assert data["runs"][1]["values"]["overall"]["recall"]["value"] == pytest.approx(rnd.overall.metrics["recall"].value)
    diff = next(d for d in data["differences"] if d["column"] == "movie_implicit" and d["metric"] == "recall")
    expected = 1.0 - sum(r.metrics["recall"] for r in rnd_samples["movie_implicit"]) / 10
    assert diff["n"] == 10 and diff["mean"] == pytest.approx(expected)
    assert diff["low"] <= diff["mean"] <= diff["high"] and diff["low"] > 0  # oracle is better, and the interval says so
    assert data["warnings"] == []


def test_table_markdown_csv_html(oracle_run: Path, random_run: Path, tmp_path: Path) -> None:
    code, out, _ = rbh_main("compare", str(oracle_run), str(random_run))
    assert code == 0 and "oracle − random" in out and "overall recall" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    code, md, _ = rbh_main("compare", str(oracle_run), str(random_run), "--format", "markdown")
    assert md.startswith("| run | movie_explicit recall |") and "| oracle − random |" in md
    code, text, _ = rbh_main("compare", str(oracle_run), str(random_run), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["run"] for r in rows} == {"oracle", "random"} and {"column", "metric", "value", "stderr", "n"} <= set(rows[0])
    code, _, _ = rbh_main("compare", str(oracle_run), str(random_run), "--format", "html", "--output", str(tmp_path / "c.html"))
    assert code == 0 and "<table>" in (tmp_path / "c.html").read_text()


def test_warns_loudly_when_runs_differ(oracle_run: Path, tmp_path: Path) -> None:
    other = make_run(tmp_path / "k3", "oracle", "--k", "3", "--limit", "6", "--scoring", "official")
    code, out, err = rbh_main("compare", str(oracle_run), str(other), "--format", "markdown")
    assert code == 0
    assert (
        sum(line.startswith("| oracle@") and " − " not in line for line in out.splitlines()) == 2
    )  # same model: runs told apart by folder
    assert "runs use different scoring sets" in err
    assert "movie_explicit: runs differ in k" in err
    assert "movie_explicit: runs scored different samples" in err and "6 shared" in err


def test_columns_choose_tasks_and_groups(oracle_run: Path, random_run: Path) -> None:
    code, md, err = rbh_main("compare", str(oracle_run), str(random_run), "--format", "markdown", "--columns", "movie,overall")
    assert code == 0, err
    assert md.splitlines()[0] == "| run | movie recall | movie ndcg | movie cmr | overall recall | overall ndcg | overall cmr |"


def test_unknown_metric_or_column_is_one_line(oracle_run: Path) -> None:
    code, _, err = rbh_main("compare", str(oracle_run), "--metrics", "nope")
    assert code == 2 and err.count("\n") == 1 and "no run has the metric 'nope'" in err
    code, _, err = rbh_main("compare", str(oracle_run), "--columns", "nope")
    assert code == 2 and err.count("\n") == 1 and "no run has the task or group 'nope'" in err
