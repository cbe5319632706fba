"""`rbh run`: plan (and validate) every task, complete the requests through the completion
service (cache first, then the model), score, and write the typed run folder."""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.atomic import atomic_folder
from rbh.completion import CompletionCounts
from rbh.cost.accounting import run_cost, task_cost
from rbh.events import RunEnd, RunStart, SampleEnd
from rbh.results.folder import run_dir_name, unique_dir, write_results_files, write_samples
from rbh.results.model import ModelInfo, RunResults, SampleRow
from rbh.runner.plan import RunOptions, RunPlan, TaskPlan, plan_run
from rbh.runner.scoring_pass import RunAssembly, ScoringJob, streaming_scoring
from rbh.runner.task_results import sample_rows, task_result
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
    """Complete, score and write each task: its sample rows go to `folder` as soon as it is
    scored and are then let go, so memory holds one task's rows, not the run's; then the results
    files. Consecutive single-turn tasks share one stream of requests (`_complete_together`)."""
    from rbh.ui import RunProgress

    service = plan.service
    assembly = RunAssembly(options.seed)

    def finish(task_plan: TaskPlan, counts: CompletionCounts, seconds: float) -> None:
        name = task_plan.task.task
        if task_plan.scoring is not None:  # scored as its completions arrived, each announced then
            scores = task_plan.scoring.finish(task_plan.repeats, options.seed)
            made = sample_rows(task_plan.requests, scores, counts.cached_keys, options.log_samples, task_plan.dataset.fingerprint)
        else:  # an interactive task: its last turns are known only now
            scores = ScoringJob(
                task_plan.task,
                task_plan.scored_samples,
                task_plan.completions,
                task_plan.dataset,
                task_plan.scorers,
                k=task_plan.k,
                repeats=task_plan.repeats,
                conversations=task_plan.conversations,
            ).score(options.seed)
            rows = sample_rows(task_plan.requests, scores, counts.cached_keys, options.log_samples, task_plan.dataset.fingerprint)
            made = _announced(rows, name, registry)
        if options.log_samples != "none":
            write_samples(folder, name, made)  # each row is made, written and let go
        else:
            deque(made, maxlen=0)
        assembly.add(name, task_result(task_plan, scores, counts, seconds, cost=task_cost(service, counts)), scores)
        task_plan.release()

    try:
        with RunProgress(enabled=options.show_progress) as progress:
            for stage in _stages(plan):
                for task_plan in stage:
                    if not task_plan.task.interactive:
                        task_plan.scoring = streaming_scoring(task_plan.task, task_plan.dataset, task_plan.scorers, task_plan.k)
                if len(stage) > 1:
                    _complete_together(stage, plan, progress, finish, registry)
                    continue
                [task_plan] = stage
                t0 = time.perf_counter()
                counts = (
                    _converse(task_plan, plan, progress) if task_plan.task.interactive else _complete(task_plan, plan, progress, registry)
                )
                finish(task_plan, counts, time.perf_counter() - t0)
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
        plugins=registry.plugin_versions(),
        wall_time_s=round(time.perf_counter() - started, 3),
        log_samples=options.log_samples,
        cost=run_cost(service, (t.cost for t in assembly.tasks.values())),
        **assembly.fields(plan.index or load_task_index(registry.task_folders())),
    )
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
    directions from the registry, opt-in metric sections hidden unless `show` names them; with
    `breakdown`, the breakdown tables after it (the same metrics hidden)."""
    from rbh.ui import print_breakdowns, print_metrics_table

    hidden = hidden_metrics(registry, results, show)
    print_metrics_table(results, run_dir, metric_directions(registry, results), hidden)
    if breakdown:
        print_breakdowns(results, hidden)


def hidden_metrics(registry: "Registry", results: RunResults, show: tuple[str, ...] = ()) -> dict[str, str]:
    """Metrics of the results whose scorer puts them in an opt-in table section not in `show`
    ("all" shows every section): {metric: section}."""
    scorers = registry.scorers()
    out: dict[str, str] = {}
    for task in results.tasks.values():
        for metric in task.metrics:
            entry = scorers.get(metric)
            group = entry.obj.table_section if entry is not None else None
            if group is not None and group not in show and "all" not in show:
                out[metric] = group
    return out


def _complete(task_plan: TaskPlan, plan: RunPlan, progress: Any, registry: "Registry") -> CompletionCounts:
    """Every request of one task through the completion service, advancing its progress bar."""
    counts = CompletionCounts()
    bar = progress.add_task(task_plan.task.task, total=len(task_plan.requests))
    errors = 0

    def advance(index: int, completion: Any, cached: bool) -> None:
        nonlocal errors
        errors += bool(completion.error)
        progress.advance(bar, errors=errors, cached=cached)
        _score_arrived(task_plan, index, completion, registry)

    def status(text: str) -> None:
        progress.note(bar, text)

    task_plan.completions = plan.service.complete(task_plan.requests, advance, counts, on_status=status)
    return counts


def _score_arrived(task_plan: TaskPlan, index: int, completion: Any, registry: "Registry") -> None:
    """Score the completion of request `index` now, and tell the plugins (`on_sample_end`)."""
    assert task_plan.scoring is not None
    row = task_plan.scoring.add(index, task_plan.sample_of(index), completion)
    registry.on_sample_end(SampleEnd(task_plan.task.task, row.sample.id, completion.text, row.metrics, row.error))


def _announced(rows: Iterable[SampleRow], task: str, registry: "Registry") -> Iterator[SampleRow]:
    """The rows, each after `on_sample_end` has heard of it."""
    for row in rows:
        registry.on_sample_end(SampleEnd(task, row.id, row.response, row.metrics, row.error))
        yield row


def _stages(plan: RunPlan) -> list[list[TaskPlan]]:
    """The tasks in order, consecutive single-turn ones together (one stream of requests), each
    interactive task alone (its turns are rounds of their own); in batch mode every task alone
    (one provider batch per task)."""
    stages: list[list[TaskPlan]] = []
    together = plan.service.model.batch_options is None
    for task_plan in plan.tasks:
        if together and stages and not task_plan.task.interactive and not stages[-1][-1].task.interactive:
            stages[-1].append(task_plan)
        else:
            stages.append([task_plan])
    return stages


def _complete_together(
    stage: list[TaskPlan], plan: RunPlan, progress: Any, finish: Callable[[TaskPlan, CompletionCounts, float], None], registry: "Registry"
) -> None:
    """The requests of several single-turn tasks as one stream through the completion service:
    no task waits for the slowest request of the one before, and each task is scored and written
    (`finish`, in plan order) as soon as its last request is settled, while later tasks' requests
    are still in flight. A task's wall time is the time since the task before it was finished."""
    starts = list(accumulate((len(t.requests) for t in stage[:-1]), initial=0))
    requests = [r for t in stage for r in t.requests]
    counts = [CompletionCounts() for _ in stage]
    results: list[list[Any]] = [[None] * len(t.requests) for t in stage]
    remaining = [len(t.requests) for t in stage]
    errors = [0] * len(stage)
    bars = [progress.add_task(t.task.task, total=len(t.requests)) for t in stage]
    done = 0
    last = time.perf_counter()

    def task_of(i: int) -> int:
        return bisect_right(starts, i) - 1

    def finish_ready() -> None:
        nonlocal done, last
        while done < len(stage) and remaining[done] == 0:
            stage[done].completions = results[done]
            finish(stage[done], counts[done], time.perf_counter() - last)
            done, last = done + 1, time.perf_counter()

    def settled(i: int, completion: Any, cached: bool) -> None:
        t = task_of(i)
        results[t][i - starts[t]] = completion
        errors[t] += bool(completion.error)
        progress.advance(bars[t], errors=errors[t], cached=cached)
        _score_arrived(stage[t], i - starts[t], completion, registry)
        remaining[t] -= 1
        if remaining[t] == 0:
            finish_ready()

    finish_ready()  # tasks with no samples
    plan.service.complete(requests, settled, counts, counts_index=task_of)
    finish_ready()


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
