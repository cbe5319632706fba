"""`rbh run --dry-run`: everything up to sending — every check, the counts (samples, requests,
distinct requests, already cached, to send), the estimated tokens and cost (`rbh.cost`), and
the first rendered prompts of each task — and nothing is sent or written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rbh.runner.plan import RunOptions, plan_run

if TYPE_CHECKING:
    from rbh.registry import Registry


def dry_run(options: RunOptions, registry: "Registry", show_prompts: int = 1) -> int:
    """Plan the run, print what it would send, and send nothing. Returns the exit code (0)."""
    from rbh.cost import estimate_cost
    from rbh.ui import print_cost_estimate, print_prompt, print_table

    plan = plan_run(options, registry)
    try:
        estimate = estimate_cost(plan)  # one cache lookup per task, shared by the counts and the cost
        for task_plan in plan.tasks:
            for request in task_plan.requests[: show_prompts * task_plan.repeats : task_plan.repeats]:
                sample = request.sample.id if request.sample is not None else "?"
                print_prompt(f"{task_plan.task.task} · {sample}", request.messages)
    finally:
        plan.service.close()
    rows: list[list[int | str]] = [
        [e.task, len(t.samples), len(t.requests), e.distinct, e.cached, e.distinct - e.cached] for t, e in zip(plan.tasks, estimate.tasks)
    ]
    if len(rows) > 1:
        rows.append(["total", *(sum(int(row[i]) for row in rows) for i in range(1, 6))])
    print_table(
        f"dry run — {plan.service.model.display_name} (nothing sent)",
        ("task", "samples", "requests", "distinct", "cached", "to send"),
        rows,
    )
    print_cost_estimate(estimate)
    return 0
