"""`rbh push RUN... --results ORG/NAME` against the local Hub-compatible server, loaded back with
`datasets.load_dataset`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rbh.results import read_run
from tests.conftest import MINI_BENCHMARK, only_run_dir, run_cli
from tests.hub.conftest import ORG, LiveHub

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

LOAD_BACK = """
import json, sys
import datasets
repo, out = sys.argv[1], sys.argv[2]
configs = datasets.get_dataset_config_names(repo)
rows = {c: {s: datasets.load_dataset(repo, c, split=s).to_list() for s in datasets.get_dataset_split_names(repo, c)} for c in configs}
json.dump(rows, open(out, "w"), default=str)
"""


def test_push_results_then_load_them_back(live_hub: LiveHub, tmp_path: Path) -> None:
    runs = []
    for model in ("oracle", "random"):
        out = tmp_path / model
        result = run_cli(
            "run", "--tasks", "movie_explicit,movie_interest", "--model", model, "--dataset", str(MINI_BENCHMARK),
            "--output", str(out), "--no-cache", "--no-progress",
        )  # fmt: skip
        assert result.code == 0, result.err
        runs.append(only_run_dir(out))
    repo = f"{ORG}/results"
    result = run_cli("push", *map(str, runs), "--results", repo, env=live_hub.env())
    assert result.code == 0, result.err
    assert f"{live_hub.url}/datasets/{repo}" in result.out and live_hub.token not in result.out + result.err

    card = live_hub.hub.files(repo)["README.md"].decode()
    assert "## Leaderboard" in card and "| oracle − random |" in card

    out = tmp_path / "rows.json"
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_BACK, repo, str(out)], env={**os.environ, **live_hub.env()}, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(out.read_text())
    assert set(rows) == {"results", "oracle__movie_explicit", "oracle__movie_interest", "random__movie_explicit", "random__movie_interest"}
    results, samples = read_run(runs[1])
    recall = next(
        r for r in rows["results"]["latest"] if r["model"] == "random" and r["name"] == "movie_explicit" and r["metric"] == "recall"
    )
    assert recall["value"] == pytest.approx(results.tasks["movie_explicit"].metrics["recall"].value)
    assert any(r["kind"] == "overall" for r in rows["results"]["latest"])
    details = rows["random__movie_explicit"]
    stamp = next(s for s in details if s != "latest")
    assert details["latest"] == details[stamp]
    assert [d["id"] for d in details["latest"]] == [r.id for r in samples["movie_explicit"]]
    assert [d["response"] for d in details["latest"]] == [r.response for r in samples["movie_explicit"]]
    assert [d["metric_recall"] for d in details["latest"]] == [r.metrics["recall"] for r in samples["movie_explicit"]]


def test_push_without_results_still_needs_folder_and_repo(live_hub: LiveHub, tmp_path: Path) -> None:
    result = run_cli("push", str(tmp_path), env=live_hub.env())
    assert result.code == 2 and "push takes a dataset folder and ORG/NAME" in result.err
