"""`rbh run`: plan every task, send only the requests the cache lacks, score, write results."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.errors import UsageError
from rbh.events import RunEnd, RunStart, SampleEnd
from rbh.models.base import Completion
from rbh.models.spec import ModelSpec
from rbh.runner.cache import ResponseCache
from rbh.runner.plan import DatasetResolver, TaskPlan, plan_task
from rbh.runner.results import SCHEMA_VERSION, run_dir_name, unique_dir, write_run
from rbh.runner.scoring_pass import TaskScores, score_task
from rbh.runner.secrets import redact_args, scrub
from rbh.version import __version__

if TYPE_CHECKING:
    from rbh.models.base import Model
    from rbh.registry import Registered, Registry


@dataclass
class RunOptions:
    """Everything `rbh run` was asked to do."""

    tasks: str
    model: ModelSpec
    gen_kwargs: dict[str, Any] = field(default_factory=dict)
    dataset: str | None = None
    limit: int | None = None
    k: int | None = None
    history: bool | None = None
    seed: int = 0
    output: Path = Path("results")
    use_cache: bool = True
    cache_path: Path | None = None
    scoring: str = "rbh"
    command: str = ""
    show_progress: bool = True


@dataclass
class RunOutcome:
    """Where the run was written and whether every sample succeeded."""

    run_dir: Path
    results: dict[str, Any]
    failed: int

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def instantiate_model(spec: ModelSpec, registry: "Registry") -> tuple["Model", "Registered[Any]"]:
    """Build the backend for `--model`, resolving model-name aliases (`vllm:qwen`)."""
    entry = registry.model(spec.backend)
    cls = entry.obj
    model_name = cls.aliases.get(spec.model, spec.model) if spec.model else None
    if cls.needs_model_name and not model_name:
        raise UsageError(f"model backend {cls.name!r} needs a model name: --model {cls.name}:NAME")
    try:
        return cls(model_name, **spec.args), entry
    except TypeError as exc:
        raise UsageError(f"--model-args for {cls.name}: {exc}") from None


def model_identity(model: "Model") -> dict[str, Any]:
    """The part of every cache key that names the model (secrets and transport-only args such as
    `concurrency` or `timeout`, listed in a backend's `transport_args`, excluded)."""
    transport = set(model.transport_args)
    args = {k: v for k, v in model.model_args.items() if k not in transport}
    return {"backend": model.name, "model": model.model_name, "args": redact_args(args, model.secret_args)}


def run_evaluation(options: RunOptions, registry: "Registry") -> RunOutcome:
    """Run the selected tasks end to end and write the run folder."""
    from rbh.tasks.index import load_task_index
    from rbh.ui import RunProgress, print_metrics_table

    started = time.perf_counter()
    tasks = load_task_index(registry.task_paths()).select(options.tasks)
    model, model_entry = instantiate_model(options.model, registry)
    secrets = [str(v) for k, v in options.model.args.items() if v is not None and k in model.secret_args]
    identity = model_identity(model)
    resolver = DatasetResolver(registry)
    plans = [
        plan_task(
            t,
            model,
            resolver,
            registry,
            dataset_override=options.dataset,
            limit=options.limit,
            k=options.k,
            history=options.history,
            gen_overrides=options.gen_kwargs,
            model_identity=identity,
        )
        for t in tasks
    ]
    run_dir = unique_dir(options.output, run_dir_name(model.display_name))
    registry.on_run_start(RunStart(model.display_name, tuple(p.task.task for p in plans), run_dir))

    cache = _open_cache(options)
    task_results: dict[str, Any] = {}
    sample_rows: dict[str, list[dict[str, Any]]] = {}
    failed = 0
    try:
        with RunProgress(enabled=options.show_progress) as progress:
            for plan in plans:
                t0 = time.perf_counter()
                completions, counts = _generate(plan, model, cache, progress, secrets)
                scores = score_task(
                    plan.task,
                    plan.samples,
                    completions,
                    plan.dataset.catalog(plan.task.domain),
                    plan.dataset.kg(plan.task.domain),
                    registry,
                    k=plan.k,
                    scoring=options.scoring,
                    seed=options.seed,
                )
                rows = [_sample_row(plan, req_i, s, counts["cached_keys"]) for req_i, s in enumerate(scores.samples)]
                for row in rows:
                    registry.on_sample_end(SampleEnd(plan.task.task, row["id"], row["response"], row["metrics"], row["error"]))
                errors = [{"id": r["id"], "error": r["error"]} for r in rows if r["error"]]
                failed += len(errors)
                task_results[plan.task.task] = _task_result(plan, scores, counts, errors, time.perf_counter() - t0)
                sample_rows[plan.task.task] = rows
    finally:
        model.close()
        if cache is not None:
            cache.close()

    results = {
        "schema_version": SCHEMA_VERSION,
        "rbh_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": scrub(options.command, secrets),
        "model": {
            "spec": model.display_name,
            "backend": model.name,
            "name": model.model_name,
            "args": redact_args(model.model_args, model.secret_args),
            "gen_kwargs": options.gen_kwargs,
            **model_entry.provenance,
        },
        "scoring": options.scoring,
        "seed": options.seed,
        "limit": options.limit,
        "tasks": task_results,
        "plugins": registry.plugin_versions(),
        "wall_time_s": round(time.perf_counter() - started, 3),
    }
    write_run(run_dir, results, sample_rows)
    registry.on_run_end(RunEnd(run_dir, results))
    print_metrics_table(results, run_dir)
    return RunOutcome(run_dir, results, failed)


def _open_cache(options: RunOptions) -> ResponseCache | None:
    if not options.use_cache:
        return None
    from rbh.paths import cache_dir

    return ResponseCache(options.cache_path or cache_dir() / "responses.sqlite")


def _generate(
    plan: TaskPlan, model: "Model", cache: ResponseCache | None, progress: Any, secrets: list[str]
) -> tuple[list[Completion], dict[str, Any]]:
    """Completions for every request of a plan: cached ones first, then the model for the rest."""
    requests = plan.requests
    cached = cache.get_many(r.key for r in requests) if cache is not None else {}
    completions: list[Completion | None] = [cached.get(r.key) for r in requests]
    todo = [i for i, c in enumerate(completions) if c is None]
    first_of_key: dict[str, int] = {}  # identical requests (same key) are sent once
    duplicate_of: dict[int, int] = {}
    for i in todo:
        first = first_of_key.setdefault(requests[i].key, i)
        if first != i:
            duplicate_of[i] = first
    unique_todo = [i for i in todo if i not in duplicate_of]
    bar = progress.add_task(plan.task.task, total=len(requests), cached=len(requests) - len(todo))
    errors = 0
    for j, completion in model.generate([requests[i] for i in unique_todo]) if unique_todo else ():
        i = unique_todo[j]
        if completion.error:
            completion = replace(completion, error=scrub(completion.error, secrets))
            errors += 1
        elif cache is not None:
            cache.put(requests[i].key, model.name, model.model_name, completion)
        completions[i] = completion
        progress.advance(bar, errors=errors)
    for i, first in duplicate_of.items():
        completions[i] = completions[first]
        progress.advance(bar, errors=errors)
    missing = [i for i, c in enumerate(completions) if c is None]
    if missing:
        raise RuntimeError(f"model {model.display_name} returned no completion for {len(missing)} of {len(requests)} requests")
    final = [c for c in completions if c is not None]
    usage_prompt = sum(final[i].usage.prompt_tokens for i in unique_todo)
    usage_completion = sum(final[i].usage.completion_tokens for i in unique_todo)
    counts = {
        "samples": len(requests),
        "cached": len(requests) - len(todo),
        "model_calls": len(unique_todo),
        "errors": sum(1 for c in final if c.error),
        "prompt_tokens": usage_prompt,
        "completion_tokens": usage_completion,
        "cached_keys": set(cached),
    }
    return final, counts


def _sample_row(plan: TaskPlan, index: int, scored: Any, cached_keys: set[str]) -> dict[str, Any]:
    request = plan.requests[index]
    c = scored.completion
    return {
        "id": scored.sample.id,
        "official_id": scored.sample.official_id,
        "prompt": list(request.messages),
        "response": c.text,
        "reasoning": c.reasoning,
        "error": c.error,
        "finish_reason": c.finish_reason,
        "usage": {"prompt_tokens": c.usage.prompt_tokens, "completion_tokens": c.usage.completion_tokens},
        "latency_s": c.latency_s,
        "cached": request.key in cached_keys,
        "parsed": scored.parsed,
        "resolved": scored.resolved,
        "metrics": scored.metrics,
        "sample": scored.sample.to_dict(),
    }


def _task_result(plan: TaskPlan, scores: TaskScores, counts: dict[str, Any], errors: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    return {
        "config": plan.task.public_dict(),
        "effective": {"k": plan.k, "history": plan.history, "generation": plan.gen},
        "dataset": {
            "spec": plan.dataset_spec,
            "name": plan.dataset.name,
            "config": plan.task.dataset.config,
            "split": plan.task.dataset.split,
            "fingerprint": plan.dataset.fingerprint,
        },
        "metrics": {name: value.to_dict() for name, value in scores.metrics.items()},
        "breakdowns": scores.breakdowns,
        "scorers": scores.scorer_provenance,
        "counts": {k: v for k, v in counts.items() if k not in ("cached_keys", "prompt_tokens", "completion_tokens")},
        "tokens": {"prompt": counts["prompt_tokens"], "completion": counts["completion_tokens"]},
        "errors": errors,
        "wall_time_s": round(wall, 3),
    }
