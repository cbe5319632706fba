"""All terminal rendering (rich): progress bars and result tables live here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from rbh.results.model import RunResults


def console(stderr: bool = False) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


class RunProgress:
    """One progress bar per task: done/total, rate, ETA, cache hits and errors (on stderr)."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._progress: Any = None
        self._cached: dict[int, int] = {}

    def __enter__(self) -> "RunProgress":
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                TextColumn("cached {task.fields[cached]}  errors {task.fields[errors]}"),
                console=console(stderr=True),
                transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def add_task(self, name: str, total: int, cached: int = 0) -> int:
        if self._progress is None:
            return 0
        return self._progress.add_task(name, total=total, completed=cached, cached=cached, errors=0, rate="")

    def advance(self, bar: int, errors: int = 0, cached: bool = False) -> None:
        """One request settled; `cached` ones count as cache hits."""
        if self._progress is None:
            return
        if cached:
            self._cached[bar] = self._cached.get(bar, 0) + 1
        self._progress.advance(bar)
        task = self._progress.tasks[bar]
        speed = task.speed
        self._progress.update(bar, errors=errors, cached=self._cached.get(bar, 0), rate=f"{speed:.1f}/s" if speed else "")

    def note(self, bar: int, text: str) -> None:
        """Show what the task is waiting on (batch mode: batch state and counts) by its name."""
        if self._progress is None:
            return
        name = self._progress.tasks[bar].description.split(" · ")[0]
        self._progress.update(bar, description=f"{name} · {text}" if text else name)


class StageProgress:
    """A simple progress bar for a long stage (generation, import); no-op when disabled."""

    def __init__(self, description: str, total: int | None, enabled: bool = True):
        self.description, self.total, self.enabled = description, total, enabled
        self._progress: Any = None
        self._bar: Any = None

    def __enter__(self) -> "StageProgress":
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console(stderr=True)
            )
            self._progress.__enter__()
            self._bar = self._progress.add_task(self.description, total=self.total)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._bar, n)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def print_metrics_table(results: "RunResults", run_dir: Path | None = None) -> None:
    """The final table: one row per task and metric, with stderr and n."""
    from rich.table import Table

    table = Table(title=f"rbh results — {results.model.spec} ({results.scoring} scoring)")
    for col in ("task", "metric", "value", "± stderr", "n"):
        table.add_column(col, justify="right" if col in ("value", "± stderr", "n") else "left")
    for task, data in results.tasks.items():
        first = True
        for metric, mv in data.metrics.items():
            table.add_row(task if first else "", metric, _fmt(mv.value), _fmt(mv.stderr), _fmt(mv.n))
            first = False
        if data.errors:
            table.add_row("", "[red]failed samples", str(len(data.errors)), "", "")
    out = console()
    out.print(table)
    from rbh.cost.report import cost_lines

    for line in cost_lines(results):
        out.print(line, markup=False)
    if run_dir is not None:
        out.print(f"results written to {run_dir}")


def print_breakdowns(results: "RunResults") -> None:
    """Per-task breakdown tables (by number of conditions, relation, group attribute)."""
    from rich.table import Table

    out = console()
    for task, data in results.tasks.items():
        for dimension, groups in data.breakdowns.items():
            table = Table(title=f"{task} by {dimension}")
            metrics = sorted({m for g in groups.values() for m in g})
            table.add_column(dimension)
            for m in metrics:
                table.add_column(m, justify="right")
            for group, values in groups.items():
                table.add_row(str(group), *(_fmt(values[m].value if m in values else None) for m in metrics))
            out.print(table)


def print_rows(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain table (used by `rbh list` and `rbh plugins`)."""
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(_fmt(v) for v in row))
    console().print(table)


def print_cost_estimate(estimate: Any) -> None:
    """A dry run's cost table (`rbh.cost.CostEstimate`): per task, requests to send, estimated
    tokens and USD live and batch; "price unknown" when the model has no price."""
    from rich.table import Table

    from rbh.cost.report import format_usd

    def usd(value: float | None) -> str:
        return "price unknown" if value is None else format_usd(value)

    table = Table(title=f"estimated cost — {estimate.model}")
    for col in ("task", "to send", "prompt tok", "max out tok", "live", "batch"):
        table.add_column(col, justify="left" if col == "task" else "right")
    for t in estimate.tasks:
        table.add_row(t.task, f"{t.to_send:,}", f"{t.prompt_tokens:,}", f"{t.max_output_tokens:,}", usd(t.usd_live), usd(t.usd_batch))
    table.add_row(
        "total",
        f"{estimate.total('to_send'):,}",
        f"{estimate.total('prompt_tokens'):,}",
        f"{estimate.total('max_output_tokens'):,}",
        usd(estimate.total("usd_live")),
        usd(estimate.total("usd_batch")),
    )
    console().print(table)
