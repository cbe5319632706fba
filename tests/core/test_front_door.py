"""One front door: `rbh run`'s flags and `rbh.evaluate`'s arguments are the same options, built
and checked by one function, so neither can gain a setting or a check the other lacks."""

from __future__ import annotations

import argparse
import inspect
import json
from pathlib import Path
from typing import Any

import pytest

import rbh
from rbh.runner.options import run_options
from tests.conftest import MINI_BENCHMARK

# command-line flags that say something else in Python (None: only the command line has it)
CLI_ONLY = {"dry_run": None, "show_prompts": None, "help": None}
RENAMED = {"no_cache": "use_cache", "no_progress": "show_progress", "no_log_samples": "log_samples"}
PYTHON_ONLY = {"print_table"}  # the command line always prints the table


def run_flags() -> set[str]:
    from rbh.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {a.dest for a in sub.choices["run"]._actions}


def test_every_run_flag_is_an_evaluate_argument_and_back() -> None:
    from rbh.runner.options import _DEFAULTS, RunFlags

    flags = run_flags()
    options = set(RunFlags.__annotations__) | {"tasks", "model"}
    expected = {RENAMED.get(f, f) for f in flags if f not in CLI_ONLY}
    assert expected - options == set(), "a `rbh run` flag rbh.evaluate lacks"
    assert options - expected - PYTHON_ONLY == set(), "an rbh.evaluate argument `rbh run` lacks"
    assert set(_DEFAULTS) == set(RunFlags.__annotations__), "every option has its default"
    for function in (rbh.evaluate, run_options):
        kinds = {p.name: p.kind for p in inspect.signature(function).parameters.values()}
        assert kinds["options" if function is rbh.evaluate else "flags"] is inspect.Parameter.VAR_KEYWORD
    with pytest.raises(rbh.UsageError, match="unknown run option 'limt'"):
        rbh.evaluate("movie_explicit", "oracle", limt=5)  # type: ignore[call-arg]


def test_cli_and_python_build_the_same_options(tmp_path: Path) -> None:
    cli = run_options(
        "movie_explicit,movie_implicit", "random", model_args="seed=3", concurrency=4, gen_kwargs="temperature=0.5",
        sample_ids="a,b", limit="0.5", shard="0/2", metrics="recall, ndcg", tools="none", show_metrics="ranking", output=tmp_path,
    )  # fmt: skip
    python = run_options(
        ["movie_explicit", "movie_implicit"], "random", model_args={"seed": 3}, concurrency=4, gen_kwargs={"temperature": 0.5},
        sample_ids=["a", "b"], limit=0.5, shard="0/2", metrics=["recall", "ndcg"], tools=[], show_metrics=["ranking"], output=str(tmp_path),
    )  # fmt: skip
    assert cli == python
    assert cli.model.args["concurrency"] == 4 and cli.selection.sample_ids == ("a", "b") and cli.tools == []


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"k": 0}, "--k must be a positive integer"),
        ({"repeats": 0}, "--repeats must be a positive integer"),
        ({"concurrency": 0}, "--concurrency must be a positive integer"),
        ({"metrics": " , "}, "--metrics names no metric"),
        ({"refresh": True, "use_cache": False}, "--refresh replaces cached answers"),
        ({"tools": "web_search"}, "--tools: unknown tool 'web_search'"),
        ({"limit": "1.5"}, "--limit '1.5'"),
    ],
)
def test_both_doors_refuse_alike(tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(rbh.UsageError, match=message.replace("(", r"\(")):
        rbh.evaluate("movie_explicit", "oracle", dataset=MINI_BENCHMARK, output=tmp_path, **arguments)
    flags = []
    for name, value in arguments.items():
        if name == "use_cache":
            flags.append("--no-cache")
        elif value is True:
            flags.append(f"--{name}")
        else:
            flags += [f"--{name.replace('_', '-')}", str(value)]
    from rbh.cli.main import main

    code = main(
        ["run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(MINI_BENCHMARK), "--output", str(tmp_path), *flags]
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not any(tmp_path.iterdir()), "nothing written"


def test_evaluate_takes_every_run_setting(tmp_path: Path) -> None:
    """Settings `rbh.evaluate` used to lack (concurrency, max_cost, breakdown, batch), checked
    as `rbh run` checks them."""
    results = rbh.evaluate("movie_interest", "random", dataset=MINI_BENCHMARK, output=tmp_path, breakdown=True, show_metrics="all")
    assert json.loads((results.run_dir / "results.json").read_text())["tasks"]["movie_interest"]["metrics"]
    with pytest.raises(rbh.UsageError, match="--log-samples must be one of"):
        rbh.evaluate("movie_interest", "random", dataset=MINI_BENCHMARK, output=tmp_path, log_samples="some")
    with pytest.raises(rbh.UsageError, match="random does not take 'concurrency'"):
        rbh.evaluate("movie_interest", "random", dataset=MINI_BENCHMARK, output=tmp_path, concurrency=2)
    with pytest.raises(rbh.UsageError, match="--batch: the random backend has no batch API"):
        rbh.evaluate("movie_interest", "random", dataset=MINI_BENCHMARK, output=tmp_path, batch=True)
    with pytest.raises(rbh.UsageError, match="--max-cost"):
        rbh.evaluate("movie_interest", "random", dataset=MINI_BENCHMARK, output=tmp_path, max_cost=1.0)
