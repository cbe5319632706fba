"""The Python API: `rbh.evaluate(...)` runs an evaluation through the same code as `rbh run`;
`rbh.load_run(path)` reads a saved run; both return `Results`.

    >>> results = rbh.evaluate(tasks="movie_explicit", model="oracle", dataset="tests/fixtures/mini-benchmark")
    >>> results.metric("movie_explicit", "recall")
    1.0
    >>> import pandas as pd; pd.DataFrame(results.records())
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from rbh.results.model import RunResults, SampleRow

if TYPE_CHECKING:
    from rbh.runner.options import RunFlags

__all__ = ["Results", "evaluate", "load_run"]


@dataclass
class Results:
    """A run's results: `results` (the typed `results.json`), its folder, and its sample rows,
    read on first use."""

    results: RunResults
    run_dir: Path | None = None
    _samples: dict[str, list[SampleRow]] | None = field(default=None, repr=False)

    @property
    def tasks(self) -> list[str]:
        return list(self.results.tasks)

    def metric(self, task: str, metric: str) -> float | None:
        """One value: a task's, a group's, or `overall`'s mean of `metric`."""
        if task == "overall" and self.results.overall is not None:
            values = self.results.overall.metrics
        elif task in self.results.groups:
            values = self.results.groups[task].metrics
        else:
            values = self.results.tasks[task].metrics
        mv = values.get(metric)
        return None if mv is None else mv.value

    def table(self, format: str = "markdown") -> str:
        """The metric table with group and overall rows: `markdown` (as in summary.md) or `csv`."""
        from rbh.results.table import markdown_table, results_csv

        if format == "csv":
            return results_csv(self.results)
        if format != "markdown":
            raise ValueError(f"format must be 'markdown' or 'csv', not {format!r}")
        return markdown_table(self.results)

    def records(self) -> list[dict[str, Any]]:
        """One record per row (task, group, overall) and metric: kind, name, metric, value, stderr, n."""
        from rbh.results.table import records

        return records(self.results)

    @property
    def samples(self) -> dict[str, list[SampleRow]]:
        """The sample rows per task (empty for a run written with --no-log-samples)."""
        if self._samples is None:
            from rbh.results.folder import read_run

            self._samples = read_run(self.run_dir)[1] if self.run_dir is not None else {}
        return self._samples

    def sample_records(self) -> list[dict[str, Any]]:
        """One record per sample: task, id, response, error, and a column per metric."""
        return [
            {"task": task, "id": row.id, "response": row.response, "error": row.error, **row.metrics}
            for task, rows in self.samples.items()
            for row in rows
        ]


def load_run(path: str | Path) -> Results:
    """A saved run folder (or a results file in it), with its group and overall rows."""
    from rbh.registry import get_registry
    from rbh.runner.load import load_runs

    run = load_runs([Path(path)], get_registry(), with_samples=False)[0]
    return Results(run.results, run.path)


def evaluate(tasks: str | Sequence[str], model: str, **options: Unpack[RunFlags]) -> Results:
    """Evaluate `model` on `tasks` exactly as `rbh run` would (same checks, planning, completion
    service, scoring and run folder). The options are `rbh run`'s flags by the same names
    (`rbh.runner.options.RunFlags`: `use_cache=False` is `--no-cache`, `log_samples="none"` is
    `--no-log-samples`), each as the flag's text or a Python value (`metrics="recall,ndcg"` or
    `["recall", "ndcg"]`); `show_progress` and `print_table` are off unless asked for."""
    from rbh.registry import get_registry
    from rbh.runner.options import run_options
    from rbh.runner.run import run_evaluation

    task_spec = tasks if isinstance(tasks, str) else ",".join(tasks)
    options.setdefault("show_progress", False)
    options.setdefault("print_table", False)
    command = shlex.join(["rbh.evaluate", f"tasks={task_spec}", f"model={model}"])
    outcome = run_evaluation(run_options(task_spec, model, command=command, **options), get_registry())
    return Results(outcome.results, outcome.run_dir)
