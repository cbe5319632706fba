"""Prices (plugin tables, the user file, model args), cost in results and on the console, the
dry-run estimator and the `--max-cost` budget, live and batch, against the local servers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import SECRET, rbh_main
from tests.conftest import make_dataset, only_run_dir
from tests.servers.batch_server import BatchServer

N = 20


@pytest.fixture(scope="module")
def server() -> Iterator[BatchServer]:
    with BatchServer(api_key=SECRET) as s:
        yield s


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("cost") / "ds", n_samples=N)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RBH_TEST_KEY", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("RBH_CONFIG_DIR", str(tmp_path / "config"))


def _model(spec: str, **args: Any) -> Any:
    from rbh.completion import load_model
    from rbh.models.spec import parse_model_spec
    from rbh.registry import get_registry

    model = load_model(parse_model_spec(spec, ",".join(f"{k}={v}" for k, v in args.items()) or None), registry=get_registry())
    return model


def test_price_tables_dated_names_and_custom_servers() -> None:
    from rbh.cost import resolve_price

    mini = resolve_price(_model("openai:gpt-4o-mini"))
    assert mini is not None and (mini.input, mini.output, mini.batch_input) == (0.15, 0.60, 0.075)
    dated = resolve_price(_model("openai:gpt-4o-2024-08-06"))
    assert dated is not None and dated.input == 2.50  # gpt-4o, not gpt-4o-mini
    assert resolve_price(_model("openai:gpt-4o-turbo-preview")) is None  # not a date suffix: unknown
    assert resolve_price(_model("anthropic:sonnet")).output == 15.0  # type: ignore[union-attr]
    # a local server that calls its model gpt-4o is not billed like OpenAI
    assert resolve_price(_model("openai:gpt-4o", base_url="http://127.0.0.1:9/v1")) is None


def test_user_file_and_model_args_override(tmp_path: Path) -> None:
    from rbh.cost import completion_cost, resolve_price, user_prices_path
    from rbh.models.base import Usage

    path = user_prices_path()
    assert path == tmp_path / "config" / "prices.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("openai:\n  my-model: {input: 1.0, output: 4.0, cached_input: 0.5}\n  gpt-4o-mini: {input: 9, output: 9}\n")
    mine = resolve_price(_model("openai:my-model", base_url="http://127.0.0.1:9/v1"))
    assert mine is not None and mine.source.startswith("user file") and (mine.input, mine.cached_input) == (1.0, 0.5)
    assert resolve_price(_model("openai:gpt-4o-mini")).input == 9  # type: ignore[union-attr]
    args = resolve_price(_model("openai:gpt-4o-mini", price_in=0.2, price_out=0.8))
    assert args is not None and args.source == "model args" and args.output == 0.8
    # 1M uncached + 1M cached prompt tokens and 1M completion tokens: live, then at batch prices (half)
    usage = Usage(prompt_tokens=2_000_000, completion_tokens=1_000_000, cached_tokens=1_000_000)
    assert completion_cost(mine, usage, batch=False) == pytest.approx(1.0 + 0.5 + 4.0)
    assert completion_cost(mine, usage, batch=True) == pytest.approx((1.0 + 0.5 + 4.0) / 2)


def _run(server: BatchServer, dataset: Path, out: Path, *extra: str, args: str = "", cache: Path | None = None) -> tuple[int, str, str]:
    model_args = f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,batch_poll=0.01{args}"
    cache_args = ["--cache", str(cache)] if cache else ["--no-cache"]
    return rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress", "--output", str(out),
        "--model", "openai:fake-model", "--model-args", model_args, *cache_args, *extra,
    )  # fmt: skip


def test_unknown_price_shows_tokens_never_a_number(
    server: BatchServer, dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the provider's own endpoint (here the SDK's OPENAI_BASE_URL, as a proxy of it) a model
    its price table lacks says "price unknown" with the tokens; a fully cached re-run spent
    nothing and says nothing."""
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    cache = tmp_path / "cache.sqlite"
    code, out, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress", "--output", str(tmp_path / "out"),
        "--model", "openai:fake-model", "--model-args", "api_key_env=RBH_TEST_KEY", "--cache", str(cache), "--run-name", "first",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads((tmp_path / "out" / "first" / "results.json").read_text())
    assert results["cost"]["usd"] is None and results["tasks"]["movie_explicit"]["cost"]["usd"] is None
    assert "price unknown for openai:fake-model" in " ".join(out.split()) and "$" not in out.split("cost:")[1].split("results")[0]
    code, out, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress", "--output", str(tmp_path / "out"),
        "--model", "openai:fake-model", "--model-args", "api_key_env=RBH_TEST_KEY", "--cache", str(cache), "--run-name", "cached",
    )  # fmt: skip
    assert code == 0 and "cost:" not in out, "every answer cached: 0 tokens spent, no price to miss"


def test_another_server_has_no_price_to_miss(server: BatchServer, dataset: Path, tmp_path: Path) -> None:
    """With base_url (vLLM serve, Ollama, a local server) no price table applies: no cost record,
    no "price unknown" line — unless prices are given."""
    code, out, err = _run(server, dataset, tmp_path / "out")
    assert code == 0, err
    results = json.loads((only_run_dir(tmp_path / "out") / "results.json").read_text())
    assert results["cost"] is None and "cost:" not in out
    code, out, err = _run(server, dataset, tmp_path / "priced", args=",price_in=1,price_out=2")
    assert code == 0 and "cost: $" in out, out


def test_max_cost_needs_a_price_and_sends_nothing(server: BatchServer, dataset: Path, tmp_path: Path) -> None:
    server.reset_log()
    code, _, err = _run(server, dataset, tmp_path / "out", "--max-cost", "1")
    assert code == 2 and "--max-cost: the price of openai:fake-model is unknown" in err and err.count("\n") == 1
    assert server.log == [] and not (tmp_path / "out").exists()


def _price_args(server: BatchServer, dataset: Path) -> tuple[float, float]:
    """USD of one request's upper-bound estimate at price_in=1000,price_out=1000, live and batch."""
    from rbh.cost import estimate_cost
    from rbh.models.spec import parse_model_spec
    from rbh.registry import get_registry
    from rbh.runner.plan import RunOptions, plan_run

    spec = parse_model_spec("openai:fake-model", f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,price_in=1000,price_out=1000")
    plan = plan_run(RunOptions(tasks="movie_explicit", model=spec, dataset=str(dataset), use_cache=False), get_registry())
    try:
        estimate = estimate_cost(plan)
    finally:
        plan.service.close()
    [task] = estimate.tasks
    return task.usd_live / task.to_send, task.usd_batch / task.to_send  # type: ignore[operator]


@pytest.mark.parametrize("batch", [False, True])
def test_max_cost_stops_then_rerun_continues(batch: bool, server: BatchServer, dataset: Path, tmp_path: Path) -> None:
    live_each, batch_each = _price_args(server, dataset)
    each = batch_each if batch else live_each  # one request's upper-bound estimate
    mode = ["--batch"] if batch else []
    price = ",price_in=1000,price_out=1000"
    assert _run(server, dataset, tmp_path / "full", *mode, args=price)[0] == 0
    actual = json.loads((only_run_dir(tmp_path / "full") / "results.json").read_text())["cost"]["usd"]
    budget = max(1.5 * each, actual / 2)  # room for one request at least, not for all of them
    cache = tmp_path / "cache.sqlite"
    created = server.created()
    server.reset_log()
    code, _, err = _run(server, dataset, tmp_path / "stopped", *mode, "--max-cost", f"{budget:.6f}", args=price, cache=cache)
    assert code == 3, err
    assert "budget: the next" in err and "run the same command again" in err and "Traceback" not in err
    assert not (tmp_path / "stopped").exists() or not any((tmp_path / "stopped").iterdir())
    sent = len(server.log)
    assert 1 <= sent < N
    if batch:
        assert server.created() - created == 1 and sent == int(budget / each)  # one batch, cut to what fits; none beyond
    # everything completed is cached: the re-run pays only for the rest
    server.reset_log()
    code, _, err = _run(server, dataset, tmp_path / "done", *mode, "--max-cost", "1000000", args=price, cache=cache)
    assert code == 0, err
    assert len(server.log) == N - sent and server.duplicates() == {}
    results = json.loads((only_run_dir(tmp_path / "done") / "results.json").read_text())
    assert results["tasks"]["movie_explicit"]["counts"]["cached"] == sent
    assert results["cost"]["usd"] > 0 and results["cost"]["price"]["source"] == "model args"


def test_price_args_stay_out_of_cache_keys(server: BatchServer, dataset: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    assert _run(server, dataset, tmp_path / "a", args=",price_in=1,price_out=2", cache=cache)[0] == 0
    server.reset_log()
    assert _run(server, dataset, tmp_path / "b", "--batch", args=",price_in=3,price_out=4,batch_size=5", cache=cache)[0] == 0
    assert server.log == []


def test_estimate_cost_counts_cache_and_prices(server: BatchServer, dataset: Path, tmp_path: Path) -> None:
    from rbh.cost import estimate_cost, estimate_prompt_tokens
    from rbh.models.spec import parse_model_spec
    from rbh.registry import get_registry
    from rbh.runner.plan import RunOptions, plan_run

    cache = tmp_path / "cache.sqlite"
    assert _run(server, dataset, tmp_path / "a", "--limit", "5", "--gen-kwargs", "max_tokens=100", cache=cache)[0] == 0
    spec = parse_model_spec("openai:fake-model", f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,price_in=2,price_out=10")
    plan = plan_run(
        RunOptions(tasks="movie_explicit", model=spec, dataset=str(dataset), cache_path=cache, gen_kwargs={"max_tokens": 100}),
        get_registry(),
    )
    try:
        estimate = estimate_cost(plan)
    finally:
        plan.service.close()
    [task] = estimate.tasks
    assert (task.samples, task.distinct, task.cached, task.to_send) == (N, N, 5, N - 5)
    prompt = sum(estimate_prompt_tokens(r.messages) for r in plan.tasks[0].requests[5:])
    assert task.prompt_tokens == prompt and task.max_output_tokens == 100 * (N - 5)
    assert task.usd_live == pytest.approx((prompt * 2 + 100 * (N - 5) * 10) / 1e6, abs=1e-4)
    assert task.usd_batch == pytest.approx(task.usd_live / 2, abs=1e-4) and estimate.usd == task.usd_live


def test_cost_lines_for_summaries(server: BatchServer, dataset: Path, tmp_path: Path) -> None:
    from rbh.cost import cost_lines
    from rbh.results import read_results

    assert _run(server, dataset, tmp_path / "a", "--batch", args=",price_in=2,price_out=10")[0] == 0
    results = read_results(only_run_dir(tmp_path / "a") / "results.json")
    lines = cost_lines(results)
    assert lines[0].startswith("cost: $") and f"{N} at batch prices" in lines[0] and "prices: model args" in lines[0]
    assert lines[1].startswith("  movie_explicit: $")
