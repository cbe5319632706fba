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


def print_group_table(results: "RunResults") -> None:
    """Group and overall rows (one per group, metrics as columns, 3 decimals) in 80 columns."""
    from rich import box
    from rich.table import Table

    from rbh.results.table import metric_names

    entries = [(name, g) for name, g in results.groups.items()]
    if results.overall is not None:
        entries.append(("overall", results.overall))
    if not entries:
        return
    metrics = metric_names(results)
    table = Table(
        title="groups (* macro mean over tasks, else micro over samples)",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("group", overflow="ellipsis", max_width=16, no_wrap=True)
    for m in metrics:
        table.add_column(m if len(m) <= 6 else m[:5] + ".", justify="right", no_wrap=True)
    for name, group in entries:
        star = "*" if "macro" in group.aggregation.values() else ""
        cells = []
        for m in metrics:
            mv = group.metrics.get(m)
            cells.append("—" if mv is None or mv.value is None else f"{mv.value:.3f}")
        table.add_row(f"[bold]{name}[/bold]" if name == "overall" else f"{name}{star}", *cells)
    console().print(table)


def print_comparison(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], warnings: Sequence[str] = ()) -> None:
    """`rbh compare`'s leaderboard, its warnings first (loud, on stderr)."""
    from rich.table import Table

    err = console(stderr=True)
    for line in warnings:
        err.print(f"[bold red]warning:[/bold red] {line}")
    table = Table(title=title)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console().print(table)
