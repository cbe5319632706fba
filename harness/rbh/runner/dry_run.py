"""`rbh run --dry-run`: everything up to sending — every check, the counts (samples, requests,
distinct requests, already cached, to send), the estimated tokens and cost (`rbh.cost`), and
the first rendered prompts of each task — and nothing is sent or written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rbh.runner.plan import RunOptions, TaskPlan, plan_run

if TYPE_CHECKING:
    from rbh.completion import CompletionService
    from rbh.registry import Registry


@dataclass(frozen=True)
class TaskCounts:
    """What running one task would cost in requests."""

    task: str
    samples: int
    requests: int
    distinct: int
    cached: int
    to_send: int


def count_task(plan: TaskPlan, service: "CompletionService") -> TaskCounts:
    cached = service.cached(plan.requests)
    distinct = {r.key: r for r in plan.requests}
    send = [r for key, r in distinct.items() if key not in cached]
    return TaskCounts(plan.task.task, len(plan.samples), len(plan.requests), len(distinct), len(distinct) - len(send), len(send))


def dry_run(options: RunOptions, registry: "Registry", show_prompts: int = 1) -> int:
    """Plan the run, print what it would send, and send nothing. Returns the exit code (0)."""
    from rbh.cost import estimate_cost
    from rbh.ui import print_cost_estimate, print_prompt, print_table

    plan = plan_run(options, registry)
    try:
        counts = [count_task(t, plan.service) for t in plan.tasks]
        estimate = estimate_cost(plan)
        for task_plan in plan.tasks:
            for request in task_plan.requests[: show_prompts * task_plan.repeats : task_plan.repeats]:
                sample = request.sample.id if request.sample is not None else "?"
                print_prompt(f"{task_plan.task.task} · {sample}", request.messages)
    finally:
        plan.service.close()
    rows: list[list[object]] = [[c.task, c.samples, c.requests, c.distinct, c.cached, c.to_send] for c in counts]
    if len(counts) > 1:
        fields = ("samples", "requests", "distinct", "cached", "to_send")
        rows.append(["total", *(sum(getattr(c, f) for c in counts) for f in fields)])
    print_table(
        f"dry run — {plan.service.model.display_name} (nothing sent)",
        ("task", "samples", "requests", "distinct", "cached", "to send"),
        rows,
    )
    print_cost_estimate(estimate)
    return 0
