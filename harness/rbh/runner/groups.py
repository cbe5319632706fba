"""The group and overall scores of a run, from the groups the task folders declare."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rbh.results.groups import group_results, overall_result
from rbh.results.model import GroupResult, RunResults, TaskResult

if TYPE_CHECKING:
    from rbh.registry import Registry
    from rbh.tasks.index import TaskIndex


def run_groups(tasks: Mapping[str, TaskResult], index: "TaskIndex") -> tuple[dict[str, GroupResult], GroupResult | None]:
    """(groups whose tasks all ran, the overall row) for the tasks of a run."""
    specs = {name: (index.leaf_tasks(name), entry.aggregation_for) for name, entry in sorted(index.groups.items())}
    groups = group_results(tasks, specs)
    return _without_duplicates(groups), overall_result(tasks)


def _without_duplicates(groups: dict[str, GroupResult]) -> dict[str, GroupResult]:
    """Keep one group per task set (e.g. `recbench` and `condition` are both listed only when they differ)."""
    seen: dict[tuple[str, ...], str] = {}
    for name, group in groups.items():
        seen.setdefault(tuple(sorted(group.tasks)), name)
    keep = set(seen.values())
    return {n: g for n, g in groups.items() if n in keep}


def with_groups(results: RunResults, registry: "Registry") -> RunResults:
    """A saved run's results with its group and overall rows (computed for runs written before
    results.json held them)."""
    if results.groups or results.overall is not None or len(results.tasks) < 2:
        return results
    from rbh.tasks.index import load_task_index

    groups, overall = run_groups(results.tasks, load_task_index(registry.task_folders()))
    return results.model_copy(update={"groups": groups, "overall": overall})
