"""`rbh run` as an lm-eval or inspect user expects it: honest failures, a dry run that sends
nothing, choosing samples, shards that merge back into one run, repeats, task composition by
name, tables that fit 80 columns, readable run-folder names."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from rbh.results import read_results, read_run
from rbh.scoring.task_scoring import collapse_repeats
from rbh.ui import AnsweredRate
from tests.backends.conftest import rbh_main
from tests.conftest import MINI_BENCHMARK, make_dataset, only_run_dir, run_cli, write_jsonl
from tests.servers.llm_server import LLMServer


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("ds") / "tiny", n_samples=12)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _api_run(dataset: Path, out: Path, base_url: str, *extra: str) -> tuple[int, str, str]:
    return rbh_main(
        "run", "--tasks", "movie_explicit", "--model", "openai:gpt-test", "--model-args", f"base_url={base_url}",
        "--dataset", str(dataset), "--output", str(out), "--no-progress", *extra,
    )  # fmt: skip


# -- 1. honest failures ----------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["closed port", "unknown host"])
def test_an_unreachable_endpoint_fails_fast_naming_it(where: str, dataset: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1" if where == "closed port" else "http://no-such-host.invalid:8000/v1"
    started = time.monotonic()
    code, _, err = _api_run(dataset, tmp_path / "out", url, "--no-cache")
    elapsed = time.monotonic() - started
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"error: openai: cannot reach {url}"), lines[0]
    assert elapsed < 20, f"took {elapsed:.1f} s"
    assert not (tmp_path / "out").exists()


def test_an_endpoint_that_goes_away_mid_run_stops_the_run(dataset: Path) -> None:
    """Connection failures with nothing getting through end the run after `unreachable_after`,
    instead of every request retrying for minutes."""
    from rbh.errors import UsageError
    from rbh.models import ChatRequest
    from rbh_openai.model import OpenAIChatModel

    model = OpenAIChatModel("gpt-test", base_url=f"http://127.0.0.1:{_free_port()}/v1", max_retries=12, retry_base_delay=0.05)
    model.backend.unreachable_after = 1.0
    requests = [ChatRequest(key=str(i), messages=({"role": "user", "content": f"q{i}"},)) for i in range(3)]
    started = time.monotonic()
    with pytest.raises(UsageError, match="no request has got through for"):
        list(model.generate(requests))
    assert time.monotonic() - started < 15


def test_failed_samples_are_grouped_by_cause_and_left_out(tmp_path: Path) -> None:
    responses = tmp_path / "answers.jsonl"
    write_jsonl(responses, [{"id": "movie-explicit-000001", "response": "Pulp Fiction (1994)"}])
    result = run_cli(
        "run", "--tasks", "movie_explicit", "--model", f"replay:{responses}", "--dataset", str(MINI_BENCHMARK),
        "--output", str(tmp_path / "out"), "--no-progress",
    )  # fmt: skip
    assert result.code == 1
    assert "9 × replay: no recorded response in answers.jsonl (e.g. movie-explicit-000002" in result.err, result.err
    results = read_results(only_run_dir(tmp_path / "out") / "results.json")
    assert results.tasks["movie_explicit"].metrics["recall"].n == 1  # failed samples are not averaged in
    assert only_run_dir(tmp_path / "out").name.endswith("_replay_answers")


# -- 2. dry run --------------------------------------------------------------------------------------
def test_dry_run_sends_nothing_and_shows_counts(server: LLMServer, dataset: Path, tmp_path: Path) -> None:
    server.reset_log()
    code, out, err = _api_run(dataset, tmp_path / "out", server.url, "--dry-run", "--show-prompts", "2", "--repeats", "2")
    assert code == 0, err
    assert len(server.log) == 0 and not (tmp_path / "out").exists()
    assert "Films directed by Director 0, please (request 0)" in out and "(request 1)" in out and "(request 2)" not in out
    row = next(line for line in out.splitlines() if line.startswith("│ movie_explicit"))
    assert [cell.strip() for cell in row.strip("│").split("│")][1:6] == ["12", "24", "24", "0", "24"]


# -- 3. choosing samples ---------------------------------------------------------------------------
def _ids(out: Path) -> list[str]:
    _, samples = read_run(only_run_dir(out))
    return [row.id for row in samples["movie_explicit"]]


def test_limit_fraction_sample_ids_and_shuffle(dataset: Path, tmp_path: Path) -> None:
    base = ["run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress"]
    assert rbh_main(*base, "--model", "oracle", "--limit", "0.25", "--output", str(tmp_path / "a"))[0] == 0
    assert _ids(tmp_path / "a") == ["movie-explicit-000000", "movie-explicit-000001", "movie-explicit-000002"]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("movie-explicit-000007  # a comment\nmovie-explicit-000003\n")
    assert rbh_main(*base, "--model", "oracle", "--sample-ids", f"@{ids_file}", "--output", str(tmp_path / "b"))[0] == 0
    assert _ids(tmp_path / "b") == ["movie-explicit-000003", "movie-explicit-000007"]  # dataset order
    for model, out in (("oracle", "c"), ("random", "d")):
        assert rbh_main(*base, "--model", model, "--shuffle", "--seed", "7", "--limit", "5", "--output", str(tmp_path / out))[0] == 0
    assert _ids(tmp_path / "c") == _ids(tmp_path / "d") and _ids(tmp_path / "c") != _ids(tmp_path / "a")[:5]
    recorded = read_results(only_run_dir(tmp_path / "c") / "results.json").selection
    assert recorded == {"limit": 5.0, "sample_ids": None, "shuffle": True, "seed": 7, "shard": None}


# -- 4. shards ---------------------------------------------------------------------------------------
def test_three_shards_merge_into_the_unsharded_run(tmp_path: Path) -> None:
    base = ["run", "--tasks", "movie_explicit,movie_demographics", "--model", "bm25", "--dataset", str(MINI_BENCHMARK), "--no-progress"]
    assert rbh_main(*base, "--output", str(tmp_path / "whole"))[0] == 0
    for i in range(3):
        assert rbh_main(*base, "--shard", f"{i}/3", "--output", str(tmp_path / f"shard{i}"))[0] == 0
    shards = [str(only_run_dir(tmp_path / f"shard{i}")) for i in (2, 0, 1)]
    code, out, err = rbh_main("merge", *shards, "--out", str(tmp_path / "merged"))
    assert code == 0, err
    whole = read_results(only_run_dir(tmp_path / "whole") / "results.json")
    merged, samples = read_run(tmp_path / "merged")
    for name, task in whole.tasks.items():
        assert merged.tasks[name].metrics == task.metrics  # values, stderr and n, bit for bit
        assert merged.tasks[name].breakdowns == task.breakdowns
        assert merged.tasks[name].counts.samples == task.counts.samples == len(samples[name])
    assert merged.overall == whole.overall and merged.groups == whole.groups  # not the first shard's rows
    sizes = [len(read_run(Path(s))[1]["movie_explicit"]) for s in shards]
    assert sorted(sizes) == [3, 3, 4]
    missing = rbh_main("merge", *shards[:2], "--out", str(tmp_path / "partial"))
    assert missing[0] == 2 and "expected shards 0/3 … 2/3 once each" in missing[2]


# -- 5. repeats --------------------------------------------------------------------------------------
def test_repeats_are_separate_requests_cached_by_repeat(server: LLMServer, dataset: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache.sqlite")
    server.reset_log()
    code, _, err = _api_run(dataset, tmp_path / "three", server.url, "--repeats", "3", "--limit", "4", "--cache", cache)
    assert code == 0, err
    assert len(server.log) == 12  # 4 samples x 3 repeats
    results, samples = read_run(only_run_dir(tmp_path / "three"))
    assert results.repeats == 3 and results.tasks["movie_explicit"].repeats == 3
    assert [r.repeat for r in samples["movie_explicit"]][:6] == [0, 1, 2, 0, 1, 2]
    assert results.tasks["movie_explicit"].metrics["recall"].n == 4  # averaged per sample first
    server.reset_log()
    assert _api_run(dataset, tmp_path / "one", server.url, "--limit", "4", "--cache", cache)[0] == 0
    assert len(server.log) == 0  # repeat 0 keeps the plain key: a single run reuses it


def test_collapse_repeats_by_hand() -> None:
    means, spread = collapse_repeats([{"r": 1.0, "c": None}, {"r": 0.0, "c": 0.5}, {"r": 0.5, "c": None}, {"r": 1.0}], 2)
    assert means == [{"r": 0.5, "c": 0.5}, {"r": 0.75, "c": None}]
    assert spread[0] == {"r": pytest.approx(0.5**0.5)} and spread[1] == {"r": pytest.approx(0.125**0.5)}


# -- 6. task composition ---------------------------------------------------------------------------
def test_include_by_task_name_and_metrics_override(tmp_path: Path) -> None:
    task = tmp_path / "mine.yaml"
    task.write_text("include: movie_explicit\ntask: movie_explicit_hits\nmetrics: [hit]\n")
    code, _, err = rbh_main(
        "run", "--tasks", str(task), "--model", "oracle", "--dataset", str(MINI_BENCHMARK), "--output", str(tmp_path / "a"), "--no-progress"
    )
    assert code == 0, err
    result = read_results(only_run_dir(tmp_path / "a") / "results.json").tasks["movie_explicit_hits"]
    assert list(result.metrics) == ["hit"] and result.config["prompt"]["user"] == "recommend/user.jinja"
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(MINI_BENCHMARK),
        "--metrics", "recall,ftr", "--output", str(tmp_path / "b"), "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    assert list(read_results(only_run_dir(tmp_path / "b") / "results.json").tasks["movie_explicit"].metrics) == ["recall", "ftr"]


# -- 7. tables that fit -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["list", "tasks"], ["list", "groups"], ["list", "tags"], ["list", "models"], ["list", "metrics"], ["list", "scorers"],
        ["list", "scoring_sets"], ["list", "generators"], ["list", "datasets"], ["list", "commands"], ["plugins"],
    ],
)  # fmt: skip
def test_tables_fit_80_columns(args: list[str]) -> None:
    result = run_cli(*args, env={"COLUMNS": "80"})
    assert result.code == 0, result.err
    assert "…" not in result.out
    assert max(len(line) for line in result.out.splitlines()) <= 80
    rows = json.loads(run_cli("list", "tasks", "--json").out)
    names = [row["task"] for row in rows]
    if args == ["list", "tasks"]:
        assert all(f"│ {name} " in result.out for name in names)  # no name is cut or wrapped
        explicit = next(row for row in rows if row["task"] == "movie_explicit")
        assert isinstance(explicit["tags"], list) and "explicit" in explicit["tags"], "--json gives lists as JSON lists"


def test_run_tables_fit_80_columns_with_breakdowns(tmp_path: Path) -> None:
    result = run_cli(
        "run", "--tasks", "movie_explicit,movie_misinformed,movie_demographics", "--model", "bm25", "--dataset", str(MINI_BENCHMARK),
        "--output", str(tmp_path / ("a-very-long-folder-name-that-would-wrap-a-path-printed-by-rich" * 2)), "--no-progress", "--breakdown",
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "…" not in result.out
    assert all(len(line) <= 80 for line in result.out.splitlines() if not line.startswith("results written to"))
    written = next(line for line in result.out.splitlines() if line.startswith("results written to "))
    assert Path(written.removeprefix("results written to ")).is_dir()  # the path is on one line
    assert "what each metric means: rbh list metrics" in result.out and "ftr ↓" in result.out and "recall ↑" in result.out
    results = read_results(Path(written.removeprefix("results written to ")) / "results.json")
    for value in results.tasks["movie_explicit"].breakdowns["n_conditions"]["1"].values():
        assert value.value is None or f"{value.value:.4f}" in result.out


def test_list_json_and_metrics() -> None:
    metrics = {row["metric"]: row for row in json.loads(run_cli("list", "metrics", "--json").out)}
    assert metrics["recall"]["direction"] == "↑ higher" and metrics["ftr"]["direction"] == "↓ lower"
    assert metrics["recall"]["plugin"] == "recbench" and metrics["recall"]["meaning"]


# -- 8. small fixes -------------------------------------------------------------------------------------
def test_run_name(dataset: Path, tmp_path: Path) -> None:
    assert (
        rbh_main(
            "run",
            "--tasks",
            "movie_explicit",
            "--model",
            "oracle",
            "--dataset",
            str(dataset),
            "--run-name",
            "baseline v1",
            "--output",
            str(tmp_path),
            "--no-progress",
        )[0]
        == 0
    )
    assert (tmp_path / "baseline_v1" / "results.json").is_file()
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(dataset), "--run-name", "baseline v1",
        "--output", str(tmp_path), "--no-progress",
    )  # fmt: skip
    assert code == 2 and f"--run-name baseline v1: {tmp_path / 'baseline_v1'} exists" in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline_v1"], "not silently renamed to baseline_v1-2"


def test_answered_rate_counts_model_answers_over_the_whole_task() -> None:
    now = [100.0]
    rate = AnsweredRate(clock=lambda: now[0])
    now[0] = 140.0
    rate.answered(16)  # a batch of 16 answers arrives at once after 40 s of work
    assert rate.text() == "0.4/s"
