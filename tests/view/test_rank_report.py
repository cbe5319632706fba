"""The report of a run with position probes and an effort sweep: the position-bias tables and the
effort curve (x: the efforts in order, labelled) with its table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rbh.results import read_run
from tests.backends.conftest import rbh_main
from tests.conftest import MINI_BENCHMARK
from tests.view.conftest import open_report

EFFORTS = ("none", "low", "high")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rank-report")
    task = root / "effort.yaml"
    task.write_text(f"include: movie_explicit\ntask: effort\neffort_sweep: [{', '.join(EFFORTS)}]\n", encoding="utf-8")
    args = ("run", "--tasks", f"movie_interest_rank_position,{task}", "--model", "bm25", "--dataset", str(MINI_BENCHMARK))
    code, stdout, stderr = rbh_main(*args, "--no-cache", "--no-progress", "--output", str(root / "out"))
    assert code == 0, stderr
    assert "effort by reasoning effort" in stdout and "position bias" in stdout
    (folder,) = [p for p in (root / "out").iterdir() if p.is_dir()]
    return folder


def test_report_shows_position_bias_and_the_effort_curve(browser: Any, run: Path, tmp_path: Path) -> None:
    results, _ = read_run(run)
    assert {(d.scope, d.target) for d in results.position_bias} == {
        ("movie_interest_rank_position", "reversed"),
        ("movie_interest_rank_position", "shuffled"),
    }
    page, errors = open_report(browser, run, out=tmp_path / "report.html")
    assert errors == [] and page.locator("#position-bias").is_visible() and page.locator("#effort-curves").is_visible()
    assert page.locator("table.position-bias-table tbody tr").count() == len(results.position_bias)
    xs = page.evaluate("() => window.rbhCharts['plot-effort-curves'].data.datasets[0].data.map((p) => p.x)")
    assert xs == [0, 1, 3], "none, low, high at their places on the effort scale"
    labels = [r.get_attribute("data-effort") for r in page.locator("table.curve-table[data-task='effort'] tbody tr").all()]
    assert labels == list(EFFORTS)
    page.close()
