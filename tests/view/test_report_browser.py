"""`rbh view` reports opened in headless Chromium: what a person sees matches results.json."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rbh.results import read_run
from tests.backends.conftest import rbh_main
from tests.results.conftest import make_run
from tests.view.conftest import open_report

TASKS = "movie,book_misinformed"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("view-runs")
    return make_run(root / "oracle", "oracle", tasks=TASKS), make_run(root / "random", "random", tasks=TASKS)


@pytest.fixture(scope="module")
def single_report(runs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "random.html"
    code, stdout, stderr = rbh_main("view", str(runs[1]), "--out", str(out))
    assert code == 0 and stderr == "", stderr
    assert f"wrote {out}" in stdout
    return out


@pytest.fixture(scope="module")
def page(browser: Any, single_report: Path) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network request {r.url}") if not r.url.startswith(("file:", "data:")) else None)
    page.goto(single_report.as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    page.errors = errors
    yield page
    page.close()


def _count(page: Any) -> int:
    return int(page.locator("#sample-count").text_content().split(" of ")[0])


def test_table_values_and_overall_row_equal_results_json(page: Any, runs: tuple[Path, Path]) -> None:
    results, _ = read_run(runs[1])
    for task, data in results.tasks.items():
        for metric, mv in data.metrics.items():
            cell = page.locator(f"table.metric-table tr[data-task='{task}'] td[data-metric='{metric}']")
            assert cell.get_attribute("data-value") == ("" if mv.value is None else f"{mv.value:.4f}")
    overall = page.locator("table.metric-table tr.overall td[data-metric='recall']")
    assert overall.get_attribute("data-value") == f"{results.overall.metrics['recall'].value:.4f}"
    assert "± " in overall.text_content()
    header = page.locator(".run-header").text_content()
    assert "random" in header and results.tasks["movie_explicit"].dataset.fingerprint[:12] in header and "command" in header


def test_plots_are_drawn(page: Any) -> None:
    drawn = page.evaluate(
        """() => ['plot-tasks', 'plot-breakdown'].map((id) => {
            const chart = window.rbhCharts[id];
            const canvas = document.getElementById(id);
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let ink = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
            return [chart.data.labels.length, chart.data.datasets[0].data.filter((d) => d.y !== null).length, ink];
        })"""
    )
    for labels, bars, ink in drawn:
        assert labels > 1 and bars > 1 and ink > 1000
    page.select_option("#plot-dimension", "relation")
    assert "cinematography" in page.evaluate("() => window.rbhCharts['plot-breakdown'].data.labels")
    page.select_option("#plot-breakdown-metric", "relation_satisfaction")  # a metric only breakdowns hold
    title, bars = page.evaluate(
        "() => { const c = window.rbhCharts['plot-breakdown']; return [c.options.plugins.title.text, c.data.datasets[0].data.filter((d) => d.y !== null).length]; }"
    )
    assert title.startswith("relation_satisfaction by relation") and bars > 1


def test_filters_change_the_sample_list(page: Any, runs: tuple[Path, Path]) -> None:
    _, samples = read_run(runs[1])
    assert _count(page) == sum(len(rows) for rows in samples.values())
    page.select_option("#filter-task", "movie_implicit")
    assert _count(page) == len(samples["movie_implicit"]) == page.locator("#sample-list li").count()
    page.select_option("#filter-metric", "recall")
    page.select_option("#filter-op", "eq")
    page.fill("#filter-value", "0")
    zero = [r.id for r in samples["movie_implicit"] if r.metrics["recall"] == 0]
    assert 0 < _count(page) < len(samples["movie_implicit"])
    assert [li.get_attribute("data-id") for li in page.locator("#sample-list li").all()] == zero
    page.select_option("#filter-op", "any")
    page.fill("#filter-text", samples["movie_implicit"][3].id)
    assert _count(page) == 1
    page.fill("#filter-text", "")
    page.select_option("#filter-task", "(all tasks)")


def test_sample_panel_shows_response_and_coloured_titles(page: Any, runs: tuple[Path, Path]) -> None:
    _, samples = read_run(runs[1])
    row = next(r for r in samples["book_misinformed"] if r.metrics["recall"] and r.metrics["recall"] < 1)
    page.select_option("#filter-task", "book_misinformed")
    page.locator(f"#sample-list li[data-id='{row.id}']").click()
    panel = page.locator("#sample-panel")
    assert panel.locator(".response").text_content() == row.response
    hits = panel.locator(".sample-run .title.hit").count()
    wrong = panel.locator(".sample-run .title.wrong").count()
    unresolved = panel.locator(".sample-run .title.unresolved").count()
    assert hits >= 1 and hits + wrong + unresolved == len(row.parsed)
    assert panel.locator(".title.hit").first.evaluate("e => getComputedStyle(e).backgroundColor") != panel.locator(
        ".title.wrong"
    ).first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert "misinformation:" in panel.text_content() and "ground truth:" in panel.text_content()
    failed = row.details["first_failed_condition"]  # why it failed, as the row records it
    expected = "none" if failed is None else f"{failed['relation']} = {failed['entity']}"
    assert panel.locator(".sample-detail").text_content() == f"first failed condition: {expected}"
    assert row.prompt == [] and row.prompt_sha  # slim row: the report renders the prompt again, checked by hash
    messages = panel.locator(".sample-run details .message")
    assert messages.count() == 2 and messages.nth(0).text_content().startswith("system: ")
    assert page.errors == []


def test_two_runs_side_by_side(browser: Any, runs: tuple[Path, Path], tmp_path: Path) -> None:
    page, errors = open_report(browser, runs[0], runs[1], out=tmp_path / "both.html")
    assert page.locator("table.metric-table").count() == 2
    assert page.evaluate("() => window.rbhCharts['plot-tasks'].data.datasets.map((d) => d.label)") == ["oracle", "random"]
    _, oracle_rows = read_run(runs[0])
    _, random_rows = read_run(runs[1])
    sid = oracle_rows["movie_explicit"][2].id
    page.locator(f"#sample-list li[data-id='{sid}']").click()
    columns = page.locator(".sample-run")
    assert columns.count() == 2
    assert [columns.nth(i).get_attribute("data-run") for i in range(2)] == ["oracle", "random"]
    responses = [columns.nth(i).locator(".response").text_content() for i in range(2)]
    assert responses == [oracle_rows["movie_explicit"][2].response, next(r.response for r in random_rows["movie_explicit"] if r.id == sid)]
    page.select_option("#filter-run", "1")  # recall = 0 on the second run: oracle is never 0, random often
    page.select_option("#filter-op", "eq")
    assert 0 < _count(page) == sum(1 for rows in random_rows.values() for r in rows if r.metrics.get("recall") == 0)
    assert errors == []
    page.close()
