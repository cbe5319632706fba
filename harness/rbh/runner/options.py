"""The one front door of a run: `rbh run`'s flags and `rbh.evaluate`'s arguments become the same
checked `RunOptions` here, so the command line and the Python API cannot drift apart. Each
argument takes the command line's text or the Python value (`"a,b"` or `["a", "b"]`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rbh.errors import UsageError
from rbh.runner.plan import RunOptions
from rbh.runner.selection import Selection, parse_limit, parse_sample_ids, parse_shard
from rbh.runner.task_results import LOG_SAMPLES


def run_options(
    tasks: str | Sequence[str],
    model: str,
    *,
    model_args: str | Mapping[str, Any] | None = None,
    concurrency: int | None = None,
    gen_kwargs: str | Mapping[str, Any] | None = None,
    dataset: str | Path | None = None,
    sample_ids: str | Sequence[str] | None = None,
    shuffle: bool = False,
    limit: str | float | None = None,
    shard: str | None = None,
    repeats: int = 1,
    metrics: str | Sequence[str] | None = None,
    k: int | None = None,
    history: bool | None = None,
    tools: str | Sequence[str] | None = None,
    seed: int = 0,
    output: str | Path = "results",
    run_name: str | None = None,
    use_cache: bool = True,
    cache: str | Path | None = None,
    refresh: bool = False,
    scoring: str = "rbh",
    batch: bool = False,
    max_cost: float | None = None,
    breakdown: bool = False,
    show_metrics: str | Sequence[str] | None = None,
    log_samples: str = "slim",
    show_progress: bool = True,
    print_table: bool = True,
    command: str = "",
) -> RunOptions:
    """Checked options of one run (`rbh run --help` says what each does). `sample_ids` as text
    is `ID,...` or `@FILE`; `limit` a number of samples or a fraction; `tools` `"none"` for none."""
    from rbh.models.spec import parse_kv, parse_model_spec

    for name, value in (("k", k), ("concurrency", concurrency), ("repeats", repeats)):
        if value is not None and value < 1:
            raise UsageError(f"--{name} must be a positive integer")
    if log_samples not in LOG_SAMPLES:
        raise UsageError(f"--log-samples must be one of {', '.join(LOG_SAMPLES)}")
    if refresh and not use_cache:
        raise UsageError("--refresh replaces cached answers: it needs the cache (drop --no-cache)")
    metric_names = names(metrics)
    if metric_names is not None and not metric_names:
        raise UsageError("--metrics names no metric")
    spec = parse_model_spec(model, model_args if isinstance(model_args, str) or model_args is None else None)
    if isinstance(model_args, Mapping):
        spec.args.update(model_args)
    if concurrency is not None:
        spec.args["concurrency"] = concurrency
    if batch:
        spec.args["batch"] = True
    return RunOptions(
        tasks=tasks if isinstance(tasks, str) else ",".join(tasks),
        model=spec,
        gen_kwargs=parse_kv(gen_kwargs, "--gen-kwargs") if isinstance(gen_kwargs, str) or gen_kwargs is None else dict(gen_kwargs),
        dataset=None if dataset is None else str(dataset),
        selection=Selection(
            limit=parse_limit(None if limit is None else str(limit)),
            sample_ids=parse_sample_ids(sample_ids) if isinstance(sample_ids, str) or sample_ids is None else tuple(sample_ids),
            shuffle=shuffle,
            seed=seed,
            shard=parse_shard(shard),
        ),
        repeats=repeats,
        metrics=metric_names,
        run_name=run_name,
        k=k,
        history=history,
        seed=seed,
        output=Path(output),
        use_cache=use_cache,
        cache_path=None if cache is None else Path(cache),
        refresh=refresh,
        scoring=scoring,
        command=command,
        show_progress=show_progress,
        show_metrics=tuple(names(show_metrics) or ()),
        breakdown=breakdown,
        log_samples=log_samples,
        print_table=print_table,
        max_cost=max_cost,
        tools=parse_tools(tools),
    )


def names(value: str | Sequence[str] | None) -> list[str] | None:
    """`"a, b"` or `["a", "b"]` → `["a", "b"]` (blanks dropped); None stays None."""
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if p.strip()]


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
