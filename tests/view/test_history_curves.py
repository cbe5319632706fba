"""A `history_sweep` task end to end: one task per history size in results.json, a table per
swept task in the console and summary.md, and a line chart with its table in the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rbh.results import read_run
from tests.backends.conftest import rbh_main
from tests.conftest import MINI_BENCHMARK
from tests.view.conftest import open_report

SIZES = (0, 2, 5)


@pytest.fixture(scope="module")
def swept_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("sweep")
    task = root / "tasks" / "taste.yaml"
    task.parent.mkdir()
    task.write_text(
        "task: taste\ndataset: {name: rbh-default, config: movie_explicit}\n"
        "prompt: {system: recommend/system.jinja, user: recommend/user.jinja}\n"
        f"history_sweep: [{', '.join(map(str, SIZES))}]\nmetrics: [recall, ndcg, history_repeat]\n",
        encoding="utf-8",
    )
    args = ("run", "--tasks", str(task), "--model", "bm25", "--dataset", str(MINI_BENCHMARK), "--no-cache", "--no-progress")
    code, stdout, stderr = rbh_main(*args, "--output", str(root / "out"))
    assert code == 0, stderr
    (run,) = [p for p in (root / "out").iterdir() if p.is_dir()]
    return run, stdout


def test_one_task_per_size_in_results_console_and_summary(swept_run: tuple[Path, str]) -> None:
    run, stdout = swept_run
    results, _ = read_run(run)
    assert list(results.tasks) == [f"taste@h{size}" for size in SIZES]
    for size in SIZES:
        config = results.tasks[f"taste@h{size}"].config
        assert config["history_sweep_of"] == "taste" and config["history_size"] == size and config["history"] is True
    assert "taste by history size" in stdout
    table = stdout[stdout.index("taste by history size") :]
    assert [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")] == [str(s) for s in SIZES], table
    summary = (run / "summary.md").read_text(encoding="utf-8")
    assert "## History-length curves" in summary and "### taste by history size" in summary
    recall = results.tasks["taste@h5"].metrics["recall"].value
    assert f"| 5 | {recall:.4f}" in summary


def test_report_draws_the_curve_and_its_table(browser: Any, swept_run: tuple[Path, str], tmp_path: Path) -> None:
    run, _ = swept_run
    results, _ = read_run(run)
    page, errors = open_report(browser, run, out=tmp_path / "sweep.html")
    assert errors == [] and page.locator("#curves").is_visible()
    chart = page.evaluate(
        "() => { const c = window.rbhCharts['plot-curves']; return [c.config.type, c.data.datasets[0].data.map((p) => p.x), c.data.datasets.map((d) => [d.label, d.data.map((p) => p.y)])]; }"
    )
    assert chart[0] == "lineWithErrorBars" and chart[1] == list(SIZES)  # on a linear axis: sizes as numbers
    assert chart[2] == [["taste", [results.tasks[f"taste@h{s}"].metrics["recall"].value for s in SIZES]]]
    page.select_option("#curve-metric", "ndcg")
    ndcg = page.evaluate("() => window.rbhCharts['plot-curves'].data.datasets[0].data.map((p) => p.y)")
    assert ndcg == [results.tasks[f"taste@h{s}"].metrics["ndcg"].value for s in SIZES]
    for size in SIZES:
        cell = page.locator(f"table.curve-table tr[data-history='{size}'] td[data-metric='history_repeat']")
        value = results.tasks[f"taste@h{size}"].metrics["history_repeat"].value
        assert cell.get_attribute("data-value") == ("" if value is None else f"{value:.4f}")
    page.close()


def test_shipped_sweep_tasks_expand_per_history_size() -> None:
    """`--tasks history_sweep`: both interest sweeps, one task per size; size 0 sends no titles."""
    code, stdout, stderr = rbh_main("run", "--tasks", "history_sweep", "--model", "oracle", "--dataset", str(MINI_BENCHMARK), "--dry-run")
    assert code == 0, stderr
    panels = stdout.split("╭─ ")[1:]
    names = list(dict.fromkeys(p.split(" · ")[0] for p in panels))
    assert names == [f"{d}_interest_history_sweep@h{s}" for d in ("book", "movie") for s in (0, 5, 10, 20)]
    shown = {p.split(" · ")[0]: p for p in panels}
    assert "following books:" not in shown["book_interest_history_sweep@h0"]
    assert "following books:" in shown["book_interest_history_sweep@h5"]
