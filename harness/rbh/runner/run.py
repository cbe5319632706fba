"""`rbh run`: plan (and validate) every task, complete the requests through the completion
service (cache first, then the model), score, and write the typed run folder."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.atomic import atomic_folder
from rbh.completion import CompletionCounts
from rbh.cost.accounting import run_cost, task_cost
from rbh.events import RunEnd, RunStart, SampleEnd
from rbh.results.folder import run_dir_name, unique_dir, write_results_files, write_samples
from rbh.results.model import ModelInfo, RunResults
from rbh.runner.groups import run_groups
from rbh.runner.plan import RunOptions, RunPlan, TaskPlan, plan_run
from rbh.runner.task_results import sample_rows, task_result
from rbh.scoring.paired import PairedValues
from rbh.scoring.task_scoring import score_task
from rbh.secrets import redact_args
from rbh.tasks.index import load_task_index
from rbh.version import __version__

if TYPE_CHECKING:
    from rbh.registry import Registry

__all__ = ["RunOptions", "RunOutcome", "run_evaluation"]


@dataclass
class RunOutcome:
    """Where the run was written and how many samples failed."""

    run_dir: Path
    results: RunResults
    failed: int

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def run_evaluation(options: RunOptions, registry: "Registry") -> RunOutcome:
    """Run the selected tasks end to end and write the run folder."""
    started = time.perf_counter()
    plan = plan_run(options, registry)
    service = plan.service
    run_dir = unique_dir(options.output, run_dir_name(options.run_name or service.model.run_name, named=options.run_name is not None))
    registry.on_run_start(RunStart(service.model.display_name, tuple(p.task.task for p in plan.tasks), run_dir))
    with atomic_folder(run_dir, replace=False) as folder:  # hidden until the run is whole
        results = _run_tasks(plan, options, registry, folder, started)
    registry.on_run_end(RunEnd(run_dir, results.model_dump(mode="json", by_alias=True)))
    if options.print_table:
        print_results(results, registry, run_dir, options.show_metrics, options.breakdown)
    return RunOutcome(run_dir, results, results.failed)


def _run_tasks(plan: RunPlan, options: RunOptions, registry: "Registry", folder: Path, started: float) -> RunResults:
    """Complete, score and write each task in turn: its sample rows go to `folder` as soon as it
    is scored and are then let go, so memory holds one task's rows, not the run's; then the
    results files."""
    from rbh.ui import RunProgress

    service = plan.service
    tasks, paired = {}, PairedValues()
    try:
        with RunProgress(enabled=options.show_progress) as progress:
            for task_plan in plan.tasks:
                t0 = time.perf_counter()
                counts = _converse(task_plan, plan, progress) if task_plan.task.interactive else _complete(task_plan, plan, progress)
                scores = score_task(
                    task_plan.task,
                    task_plan.scored_samples,
                    task_plan.completions,
                    task_plan.dataset.catalog(task_plan.task.domain),
                    task_plan.dataset.kg(task_plan.task.domain),
                    task_plan.scorers,
                    k=task_plan.k,
                    seed=options.seed,
                    repeats=task_plan.repeats,
                    population=task_plan.dataset.samples(task_plan.task.dataset.config, task_plan.task.dataset.split),
                    conversations=task_plan.conversations if task_plan.task.interactive else None,
                )
                name = task_plan.task.task
                rows = sample_rows(task_plan.requests, scores, counts.cached_keys, options.log_samples, task_plan.dataset.fingerprint)
                if options.log_samples != "none":
                    write_samples(folder, name, rows)
                for row in rows:
                    registry.on_sample_end(SampleEnd(name, row.id, row.response, row.metrics, row.error))
                tasks[name] = task_result(task_plan, scores, counts, time.perf_counter() - t0, cost=task_cost(service, counts))
                paired.add(scores)
                task_plan.release()
    finally:
        service.close()
        for task_plan in plan.tasks:
            if task_plan.simulator is not None:
                task_plan.simulator.close()
    results = RunResults(
        rbh_version=__version__,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        command=service.scrub(options.command),
        model=_model_info(plan),
        scoring=plan.scoring.name,
        seed=options.seed,
        limit=options.selection.limit,
        selection=options.selection.record(),
        repeats=options.repeats,
        tasks=tasks,
        plugins=registry.plugin_versions(),
        wall_time_s=round(time.perf_counter() - started, 3),
        log_samples=options.log_samples,
        cost=run_cost(service, (t.cost for t in tasks.values())),
        robustness=paired.drops(options.seed),
    )
    results.groups, results.overall = run_groups(tasks, plan.index or load_task_index(registry.task_folders()))
    write_results_files(folder, results)
    return results


def metric_directions(registry: "Registry", results: RunResults) -> dict[str, bool | None]:
    """Per metric of the results: True when higher is better, False when lower is, None unknown."""
    scorers = registry.scorers()
    out: dict[str, bool | None] = {}
    for task in results.tasks.values():
        for metric in task.scorers:
            entry = scorers.get(metric)
            out[metric] = entry.obj.higher_is_better if entry is not None else None
        for metric in task.metrics:
            out.setdefault(metric, None)
    return out


def print_results(
    results: RunResults, registry: "Registry", run_dir: Path | None = None, show: tuple[str, ...] = (), breakdown: bool = False
) -> None:
    """The results table as `rbh run`, `score`, `merge` and `show` all print it: metric
    directions from the registry, opt-in metric groups hidden unless `show` names them; with
    `breakdown`, the breakdown tables after it (the same metrics hidden)."""
    from rbh.ui import print_breakdowns, print_metrics_table

    hidden = hidden_metrics(registry, results, show)
    print_metrics_table(results, run_dir, metric_directions(registry, results), hidden)
    if breakdown:
        print_breakdowns(results, hidden)


def hidden_metrics(registry: "Registry", results: RunResults, show: tuple[str, ...] = ()) -> dict[str, str]:
    """Metrics of the results whose scorer puts them in an opt-in table group not in `show`
    ("all" shows every group): {metric: group}."""
    scorers = registry.scorers()
    out: dict[str, str] = {}
    for task in results.tasks.values():
        for metric in task.metrics:
            entry = scorers.get(metric)
            group = entry.obj.table_group if entry is not None else None
            if group is not None and group not in show and "all" not in show:
                out[metric] = group
    return out


def _complete(task_plan: TaskPlan, plan: RunPlan, progress: Any) -> CompletionCounts:
    """Every request of one task through the completion service, advancing its progress bar."""
    counts = CompletionCounts()
    bar = progress.add_task(task_plan.task.task, total=len(task_plan.requests))
    errors = 0

    def advance(index: int, completion: Any, cached: bool) -> None:
        nonlocal errors
        errors += bool(completion.error)
        progress.advance(bar, errors=errors, cached=cached)

    def status(text: str) -> None:
        progress.note(bar, text)

    task_plan.completions = plan.service.complete(task_plan.requests, advance, counts, on_status=status)
    return counts


def _converse(task_plan: TaskPlan, plan: RunPlan, progress: Any) -> CompletionCounts:
    """Every conversation of an interactive task, turn by turn; the bar counts finished
    conversations and names the turn under way. The task plan then holds, per conversation, its
    last request and completion and the whole conversation."""
    from rbh.runner.conversations import run_conversations

    counts = CompletionCounts()
    bar = progress.add_task(task_plan.task.task, total=len(task_plan.requests))
    errors = 0

    def done(error: bool, cached: bool) -> None:
        nonlocal errors
        errors += error
        progress.advance(bar, errors=errors, cached=cached)

    def turn(t: int) -> None:
        progress.note(bar, f"turn {t}/{task_plan.task.max_turns}")

    results = run_conversations(task_plan, plan.service, counts, done, turn)
    task_plan.requests, task_plan.completions, task_plan.conversations = results.requests, results.completions, results.conversations
    return counts


def _model_info(plan: RunPlan) -> ModelInfo:
    model = plan.service.model
    return ModelInfo(
        spec=model.display_name,
        backend=model.name,
        name=model.model_name,
        args=redact_args(model.model_args, model.secret_args),
        gen_kwargs=plan.options.gen_kwargs,
        **plan.model_entry.provenance,
    )
