"""The one front door of a run: `rbh run`'s flags and `rbh.evaluate`'s arguments become the same
checked `RunOptions` here, so the command line and the Python API cannot drift apart. Each
argument takes the command line's text or the Python value (`"a,b"` or `["a", "b"]`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from typing_extensions import Unpack

from rbh.errors import UsageError
from rbh.runner.plan import RunOptions
from rbh.runner.selection import Selection, parse_limit, parse_sample_ids, parse_shard
from rbh.runner.task_results import LOG_SAMPLES


class RunFlags(TypedDict, total=False):
    """`rbh run`'s flags by name, as `rbh.evaluate` and `run_options` take them (defaults: the
    command line's; a test keeps these and the flags in step). Each takes the flag's text or a
    Python value: `metrics="recall,ndcg"` or `["recall", "ndcg"]`."""

    model_args: str | Mapping[str, Any] | None
    concurrency: int | None
    gen_kwargs: str | Mapping[str, Any] | None
    dataset: str | Path | None
    sample_ids: str | Sequence[str] | None  # text: "ID,..." or "@FILE"
    shuffle: bool
    limit: str | float | None  # a number of samples, or a fraction
    shard: str | None
    repeats: int
    metrics: str | Sequence[str] | None
    k: int | None
    history: bool | None
    tools: str | Sequence[str] | None  # "none" (or []) for none
    negatives: str | None  # rank tasks: random | popular | bm25 | kg
    effort_sweep: str | Sequence[str] | None  # "none,low,high": every task once per reasoning effort
    seed: int
    output: str | Path
    run_name: str | None
    use_cache: bool  # False is --no-cache
    cache: str | Path | None
    refresh: bool
    scoring: str
    batch: bool
    max_cost: float | None
    breakdown: bool
    show_metrics: str | Sequence[str] | None
    log_samples: str  # "none" is --no-log-samples
    show_progress: bool
    print_table: bool


def run_options(tasks: str | Sequence[str], model: str, *, command: str = "", **flags: Unpack[RunFlags]) -> RunOptions:
    """Checked options of one run (`rbh run --help` says what each flag does)."""
    from rbh.models.spec import parse_kv, parse_model_spec

    unknown = sorted(set(flags) - set(_DEFAULTS))
    if unknown:
        raise UsageError(f"unknown run option {unknown[0]!r} (known: {', '.join(_DEFAULTS)})")
    f: dict[str, Any] = {**_DEFAULTS, **flags}
    model_args, concurrency, gen_kwargs = f["model_args"], f["concurrency"], f["gen_kwargs"]
    k, repeats, use_cache, refresh, log_samples = f["k"], f["repeats"], f["use_cache"], f["refresh"], f["log_samples"]
    sample_ids, limit, dataset, cache, seed = f["sample_ids"], f["limit"], f["dataset"], f["cache"], f["seed"]

    for name, value in (("k", k), ("concurrency", concurrency), ("repeats", repeats)):
        if value is not None and value < 1:
            raise UsageError(f"--{name} must be a positive integer")
    if log_samples not in LOG_SAMPLES:
        raise UsageError(f"--log-samples must be one of {', '.join(LOG_SAMPLES)}")
    if refresh and not use_cache:
        raise UsageError("--refresh replaces cached answers: it needs the cache (drop --no-cache)")
    check_negatives(f["negatives"])
    metric_names = names(f["metrics"])
    if metric_names is not None and not metric_names:
        raise UsageError("--metrics names no metric")
    spec = parse_model_spec(model, model_args if isinstance(model_args, str) or model_args is None else None)
    if isinstance(model_args, Mapping):
        spec.args.update(model_args)
    if concurrency is not None:
        spec.args["concurrency"] = concurrency
    if f["batch"]:
        spec.args["batch"] = True
    return RunOptions(
        tasks=tasks if isinstance(tasks, str) else ",".join(tasks),
        model=spec,
        gen_kwargs=parse_kv(gen_kwargs, "--gen-kwargs") if isinstance(gen_kwargs, str) or gen_kwargs is None else dict(gen_kwargs),
        dataset=None if dataset is None else str(dataset),
        selection=Selection(
            limit=parse_limit(None if limit is None else str(limit)),
            sample_ids=parse_sample_ids(sample_ids) if isinstance(sample_ids, str) or sample_ids is None else tuple(sample_ids),
            shuffle=f["shuffle"],
            seed=seed,
            shard=parse_shard(f["shard"]),
        ),
        repeats=repeats,
        metrics=metric_names,
        run_name=f["run_name"],
        k=k,
        history=f["history"],
        seed=seed,
        output=Path(f["output"]),
        use_cache=use_cache,
        cache_path=None if cache is None else Path(cache),
        refresh=refresh,
        scoring=f["scoring"],
        command=command,
        show_progress=f["show_progress"],
        show_metrics=tuple(names(f["show_metrics"]) or ()),
        breakdown=f["breakdown"],
        log_samples=log_samples,
        print_table=f["print_table"],
        max_cost=f["max_cost"],
        tools=parse_tools(f["tools"]),
        negatives=f["negatives"],
        effort_sweep=parse_efforts(f["effort_sweep"]),
    )


_DEFAULTS: dict[str, Any] = {
    "model_args": None, "concurrency": None, "gen_kwargs": None, "dataset": None, "sample_ids": None, "shuffle": False,
    "limit": None, "shard": None, "repeats": 1, "metrics": None, "k": None, "history": None, "tools": None, "negatives": None, "effort_sweep": None, "seed": 0,
    "output": "results", "run_name": None, "use_cache": True, "cache": None, "refresh": False, "scoring": "rbh", "batch": False,
    "max_cost": None, "breakdown": False, "show_metrics": None, "log_samples": "slim", "show_progress": True, "print_table": True,
}  # fmt: skip


def names(value: str | Sequence[str] | None) -> list[str] | None:
    """`"a, b"` or `["a", "b"]` → `["a", "b"]` (blanks dropped); None stays None."""
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if p.strip()]


def parse_efforts(value: str | Sequence[str] | None) -> list[str] | None:
    """`--effort-sweep none,low,high` → the efforts, checked (distinct, known)."""
    from rbh.models.effort import sweep_problem

    efforts = names(value)
    problem = None if efforts is None else sweep_problem(efforts)
    if problem:
        raise UsageError(f"--effort-sweep {problem}, got {','.join(efforts or [])!r}")
    return efforts


def check_negatives(value: str | None) -> None:
    """`--negatives` names a strategy rank tasks know."""
    from rbh.tasks.config import NEGATIVE_STRATEGIES

    if value is not None and value not in NEGATIVE_STRATEGIES:
        raise UsageError(f"--negatives: unknown strategy {value!r} (known: {', '.join(NEGATIVE_STRATEGIES)})")


def parse_tools(value: str | Sequence[str] | None) -> list[str] | None:
    """`--tools catalog_search` (or `none`, or an empty list) → the tool names; an unknown tool is
    a usage error."""
    from rbh.tasks.config import TOOLS

    listed = names(value)
    if listed is None:
        return None
    chosen = [t for t in listed if t != "none"]
    unknown = [t for t in chosen if t not in TOOLS]
    if unknown:
        raise UsageError(f"--tools: unknown tool {unknown[0]!r} (known: {', '.join(TOOLS)})")
    return chosen
