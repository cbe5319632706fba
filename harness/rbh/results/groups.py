"""Group and overall scores: a task-level metric pooled over a group's tasks, micro (weighted by
the samples each task scored) or macro (every task counts once), as the group's YAML declares."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from rbh.results.model import GroupResult, MetricResult, TaskResult

Aggregation = Callable[[str], str]  # metric -> "micro" | "macro"


def pool(values: Sequence[MetricResult], how: str) -> MetricResult:
    """One metric over several tasks. Micro: the sample-weighted mean, its standard error from the
    tasks' (independent) standard errors; macro: the plain mean of the task means."""
    present = [v for v in values if v.value is not None and v.n > 0]
    n = sum(v.n for v in present)
    if not present:
        return MetricResult(value=None, stderr=None, n=0)
    have_se = all(v.stderr is not None for v in present)
    if how == "macro":
        value = sum(v.value or 0.0 for v in present) / len(present)
        se = math.sqrt(sum((v.stderr or 0.0) ** 2 for v in present)) / len(present) if have_se else None
    else:
        value = sum((v.value or 0.0) * v.n for v in present) / n
        se = math.sqrt(sum(((v.stderr or 0.0) * v.n) ** 2 for v in present)) / n if have_se else None
    return MetricResult(value=value, stderr=se, n=n)


def group_row(tasks: Mapping[str, TaskResult], names: Sequence[str], how: Aggregation) -> GroupResult:
    """The pooled metrics of the named tasks (every metric any of them reports)."""
    metrics = list(dict.fromkeys(m for t in names for m in tasks[t].metrics))
    rules = {m: how(m) for m in metrics}
    return GroupResult(
        tasks=list(names),
        aggregation=rules,
        metrics={m: pool([tasks[t].metrics[m] for t in names if m in tasks[t].metrics], rules[m]) for m in metrics},
    )


def group_results(tasks: Mapping[str, TaskResult], groups: Mapping[str, tuple[Sequence[str], Aggregation]]) -> dict[str, GroupResult]:
    """Every group whose tasks all ran (and that holds more than one), in the order given."""
    out = {}
    for name, (members, how) in groups.items():
        if len(members) > 1 and all(t in tasks for t in members):
            out[name] = group_row(tasks, members, how)
    return out


def overall_result(tasks: Mapping[str, TaskResult]) -> GroupResult | None:
    """The whole run, micro-averaged over every task (None for a single task)."""
    if len(tasks) < 2:
        return None
    return group_row(tasks, list(tasks), lambda _metric: "micro")
