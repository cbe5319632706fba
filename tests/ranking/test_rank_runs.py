"""Rank tasks end to end against local servers: a model that echoes the list (every metric by
hand), a deliberately position-biased model (the position probe and `rbh compare`), the
baselines, rescoring, `--negatives`, and an effort sweep against a reasoning server."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import SECRET, rbh_main
from tests.conftest import FIXTURES, only_run_dir
from tests.servers.llm_server import Reply
from tests.servers.rankers import echo, last_user, primacy

MINI = str(FIXTURES / "mini-benchmark")


def _run(output: Path, tasks: str, model: str, *extra: str) -> tuple[Path, dict[str, Any]]:
    code, out, err = rbh_main(
        "run", "--tasks", tasks, "--model", model, "--dataset", MINI, "--output", str(output), "--no-progress", *extra
    )
    assert code == 0, err
    folder = only_run_dir(output)
    return folder, json.loads((folder / "results.json").read_text())


def _rows(folder: Path, task: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "samples" / f"{task}.jsonl").read_text().splitlines()]


def _api(server: Any) -> list[str]:
    return ["--model-args", f"base_url={server.url}/v1,api_key={SECRET}"]


def test_an_echoing_model_scores_what_its_positions_give(llm_server: Any, tmp_path: Path) -> None:
    server = llm_server(responder=echo, api_key=SECRET)
    folder, results = _run(
        tmp_path / "out", "movie_explicit_rank,book_interest_rank", "openai:echo", *_api(server), "--log-samples", "full"
    )
    for task in ("movie_explicit_rank", "book_interest_rank"):
        rows = _rows(folder, task)
        assert len(rows) == 10
        expected: dict[str, list[float]] = {"ndcg@10": [], "recall@5": [], "mrr": []}
        for row in rows:
            shown, (positive,) = row["sample"]["candidates"], row["sample"]["ground_truth"]
            assert row["details"]["candidates"] == shown and len(shown) == 20
            p = shown.index(positive) + 1  # 1-based position shown: the echo ranks it there
            by_hand = {"ndcg@10": 1 / math.log2(p + 1) if p <= 10 else 0.0, "recall@5": float(p <= 5), "mrr": 1 / p}
            for metric, value in by_hand.items():
                assert row["metrics"][metric] == pytest.approx(value)
                expected[metric].append(value)
            assert row["metrics"]["copy_error"] == 1.0 and row["metrics"]["position_corr"] == 1.0
            assert row["metrics"]["candidate_error"] == 0.0 and row["metrics"]["duplicate_rate"] == 0.0
        metrics = results["tasks"][task]["metrics"]
        for metric, values in expected.items():
            assert metrics[metric]["value"] == pytest.approx(sum(values) / len(values))
        lists = results["tasks"][task]["candidates"]
        assert (lists["size_mean"], lists["positives_mean"]) == (20, 1)
        assert lists["chance"]["ndcg@10"] == pytest.approx(sum(1 / math.log2(i + 1) for i in range(1, 11)) / 20, abs=1e-6)
        assert results["tasks"][task]["config"]["candidates"] == {
            "negatives": 19,
            "strategy": "random",
            "positives": 1,
            "seed": 0,
            "order": "given",
        }
    summary = (folder / "summary.md").read_text()
    assert "## Candidate ranking: chance level" in summary


def test_moving_the_positive_to_either_end_probes_an_echo(llm_server: Any, tmp_path: Path) -> None:
    """positive_first / positive_last: the same lists with the positive shown first or last; a
    model that echoes the list scores 1 and 0, and the paired change is its given-order mean."""
    server = llm_server(responder=echo, api_key=SECRET)
    task = tmp_path / "ends.yaml"
    task.write_text("include: movie_explicit_rank\ntask: ends\nposition_probe: [positive_first, positive_last]\n")
    folder, results = _run(tmp_path / "o", str(task), "openai:echo", *_api(server))
    assert list(results["tasks"]) == ["ends", "ends@positive_first", "ends@positive_last"]
    assert results["tasks"]["ends@positive_first"]["metrics"]["ndcg@10"]["value"] == 1.0
    assert results["tasks"]["ends@positive_last"]["metrics"]["ndcg@10"]["value"] == 0.0
    given = results["tasks"]["ends"]["metrics"]["ndcg@10"]["value"]
    shifts = {(d["metric"], d["target"]): d["drop"] for d in results["position_bias"]}
    assert shifts[("ndcg@10", "positive_last")] == pytest.approx(given)
    assert shifts[("ndcg@10", "positive_first")] == pytest.approx(given - 1.0)
    for order in ("positive_first", "positive_last"):
        rows = _rows(folder, f"ends@{order}")
        lists = {r["id"]: r["details"]["candidates"] for r in rows}
        assert {i: sorted(c) for i, c in lists.items()} == {r["id"]: sorted(r["details"]["candidates"]) for r in _rows(folder, "ends")}


def _positives(folder: Path, task: str) -> dict[str, str]:
    """query -> the positive's title, from a run's full rows (what the biased model is told)."""
    from rbh.data.dataset import load_dataset

    catalog = load_dataset(MINI).catalog(task.split("_")[0])
    return {row["sample"]["query"]: catalog[row["sample"]["ground_truth"][0]].display for row in _rows(folder, task)}


def test_a_position_biased_model_is_caught_by_the_probe(llm_server: Any, tmp_path: Path) -> None:
    task = "movie_explicit_rank_position"
    echo_server = llm_server(responder=echo, api_key=SECRET)
    first, _ = _run(tmp_path / "echo", task, "openai:echo", *_api(echo_server), "--log-samples", "full")
    biased = llm_server(responder=primacy(_positives(first, task), attention=10), api_key=SECRET)
    folder, results = _run(tmp_path / "biased", task, "openai:biased", *_api(biased))
    assert list(results["tasks"]) == [task, f"{task}@reversed", f"{task}@shuffled"]
    orders = {name: results["tasks"][name]["config"]["candidates"]["order"] for name in results["tasks"]}
    assert orders == {task: "given", f"{task}@reversed": "reversed", f"{task}@shuffled": "shuffled"}
    for name, data in results["tasks"].items():
        assert data["metrics"]["position_corr"]["value"] > 0.9, "it follows whatever order it is shown"
        by_position = data["breakdowns"]["positive_position"]
        for bucket, cell in by_position.items():
            low = int(bucket.split("-")[0])
            assert cell["ndcg@10"]["value"] == (1.0 if low <= 10 else 0.0), (name, bucket)  # it sees only the first 10
    shifts = {(d["scope"], d["metric"], d["target"]): d for d in results["position_bias"]}
    for target in ("reversed", "shuffled"):
        shift = shifts[(task, "ndcg@10", target)]
        given = {r["id"]: r["metrics"]["ndcg@10"] for r in _rows(folder, task)}
        other = {r["id"]: r["metrics"]["ndcg@10"] for r in _rows(folder, f"{task}@{target}")}
        assert shift["pairs"] == 10 and shift["drop"] == pytest.approx(sum(given[i] - other[i] for i in given) / 10)
        assert shift["low"] <= shift["drop"] <= shift["high"]
        assert shifts[(task, "position_corr", target)]["drop"] == pytest.approx(0.0, abs=0.15)  # ~1 in every order
    assert "## Position bias" in (folder / "summary.md").read_text()
    # the same sample ids in both runs: rbh compare pairs them, and shows each run's position changes
    code, out, err = rbh_main("compare", str(folder), str(first), "--format", "json")
    assert code == 0, err
    compared = json.loads(out)
    label = compared["runs"][0]["label"]
    assert {d["metric"] for d in compared["position_bias"][label]} >= {"ndcg@10", "position_corr"}
    diff = [d for d in compared["differences"] if d["column"] == task and d["metric"] == "ndcg@10"]
    assert diff and diff[0]["n"] == 10
    # rescoring the slim rows rebuilds the same lists, so the same metrics
    code, _, err = rbh_main("score", str(folder))
    assert code == 0, err
    rescored = json.loads((folder / "results.rbh.json").read_text())
    for name, data in results["tasks"].items():
        assert rescored["tasks"][name]["metrics"] == data["metrics"]
    assert rescored["position_bias"] == results["position_bias"]


def test_baselines_rank_the_list_the_same_whatever_its_order(tmp_path: Path) -> None:
    for model in ("random", "popularity", "bm25", "oracle"):
        folder, results = _run(tmp_path / model, "movie_interest_rank_position,book_explicit_rank_position", model, "--no-cache")
        for task in ("movie_interest_rank_position", "book_explicit_rank_position"):
            given = {r["id"]: r["metrics"]["ndcg@10"] for r in _rows(folder, task)}
            for order in ("reversed", "shuffled"):
                assert {r["id"]: r["metrics"]["ndcg@10"] for r in _rows(folder, f"{task}@{order}")} == given, (model, task, order)
            if model == "oracle":
                assert results["tasks"][task]["metrics"]["ndcg@10"]["value"] == 1.0
            else:
                assert results["tasks"][task]["metrics"]["candidate_error"]["value"] == 0.0
                assert all(len(r["response"].splitlines()) == 20 for r in _rows(folder, task)), "every candidate, ranked"


def test_popularity_baseline_orders_by_popularity(tmp_path: Path) -> None:
    folder, results = _run(tmp_path / "p", "movie_explicit_rank", "popularity", "--no-cache", "--show-metrics", "all")
    metrics = results["tasks"]["movie_explicit_rank"]["metrics"]
    assert metrics["top_popular_share"]["value"] >= metrics["candidate_popular_share"]["value"]


def test_negatives_flag_replaces_the_strategy(tmp_path: Path) -> None:
    _, results = _run(tmp_path / "k", "movie_explicit_rank", "random", "--negatives", "kg", "--no-cache")
    assert results["tasks"]["movie_explicit_rank"]["config"]["candidates"]["strategy"] == "kg"
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit_rank", "--model", "random", "--negatives", "hard", "--output", str(tmp_path / "x")
    )
    assert code == 2 and err.strip().splitlines()[-1] == "error: --negatives: unknown strategy 'hard' (known: random, popular, bm25, kg)"
    assert not (tmp_path / "x").exists()


def test_position_probe_needs_a_rank_task(tmp_path: Path) -> None:
    task = tmp_path / "probe.yaml"
    task.write_text("include: movie_explicit\ntask: probe\nposition_probe: [reversed]\n")
    code, _, err = rbh_main("run", "--tasks", str(task), "--model", "oracle", "--dataset", MINI, "--output", str(tmp_path / "o"))
    assert code == 2 and "task probe: position_probe needs protocol: rank" in err


def test_an_effort_sweep_sends_each_effort_and_draws_the_curve(llm_server: Any, tmp_path: Path) -> None:
    sent: list[tuple[str, Any]] = []

    def thinker(route: str, body: dict[str, Any]) -> Reply:
        sent.append((last_user(body), body.get("reasoning_effort")))
        effort = body.get("reasoning_effort")
        return Reply("Heat (1995) [SEP] Ronin (1998)" if effort == "high" else "Heat (1995)", reasoning="thinking " * 3)

    server = llm_server(responder=thinker, api_key=SECRET)
    task = tmp_path / "sweep.yaml"
    task.write_text("include: movie_explicit\ntask: sweep\neffort_sweep: [none, low, high]\ngeneration: {temperature: 0}\n")
    folder, results = _run(tmp_path / "o", str(task), "openai:o-mini", *_api(server), "--limit", "4")
    assert list(results["tasks"]) == ["sweep@effort-none", "sweep@effort-low", "sweep@effort-high"]
    assert sorted({effort for _, effort in sent}) == ["high", "low", "minimal"], "none is OpenAI's minimal"
    assert len(sent) == 12
    for name, data in results["tasks"].items():
        assert data["effective"]["generation"]["reasoning_effort"] == name.rsplit("-", 1)[1]
        assert data["tokens"]["reasoning"] > 0, "reasoning tokens are counted apart"
    summary = (folder / "summary.md").read_text()
    assert "## Reasoning-effort curves" in summary and "### sweep by reasoning effort" in summary
    rows = [line for line in summary.splitlines() if line.startswith(("| none |", "| low |", "| high |"))]
    assert [r.split(" |")[0] for r in rows] == ["| none", "| low", "| high"]


def test_effort_sweep_from_the_command_line(llm_server: Any, tmp_path: Path) -> None:
    efforts: list[Any] = []
    server = llm_server(responder=lambda route, body: efforts.append(body.get("reasoning_effort")) or Reply("Heat"), api_key=SECRET)
    _, results = _run(tmp_path / "o", "movie_explicit", "openai:o-mini", *_api(server), "--limit", "2", "--effort-sweep", "low,max")
    assert list(results["tasks"]) == ["movie_explicit@effort-low", "movie_explicit@effort-max"]
    assert sorted(efforts) == ["high", "high", "low", "low"], "max is OpenAI's high"
    for bad in ("low,low", "turbo"):
        code, _, err = rbh_main(
            "run", "--tasks", "movie_explicit", "--model", "oracle", "--effort-sweep", bad, "--output", str(tmp_path / "x")
        )
        assert code == 2 and "--effort-sweep must list distinct efforts among none, low, medium, high, max" in err
