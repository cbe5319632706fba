"""All terminal rendering (rich): progress bars and result tables live here and nowhere else."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
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
        self._rates: dict[int, AnsweredRate] = {}

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
        bar: int = self._progress.add_task(name, total=total, completed=cached, cached=cached, errors=0, rate="")
        self._rates[bar] = AnsweredRate()
        return bar

    def advance(self, bar: int, errors: int = 0, cached: bool = False) -> None:
        """One request settled; `cached` ones count as cache hits."""
        if self._progress is None:
            return
        if cached:
            self._cached[bar] = self._cached.get(bar, 0) + 1
        else:
            self._rates[bar].answered()
        rate = self._rates[bar]
        self._progress.advance(bar)
        self._progress.update(bar, errors=errors, cached=self._cached.get(bar, 0), rate=rate.text())

    def note(self, bar: int, text: str) -> None:
        """Show what the task is waiting on (batch mode: batch state and counts) by its name."""
        if self._progress is None:
            return
        name = self._progress.tasks[bar].description.split(" · ")[0]
        self._progress.update(bar, description=f"{name} · {text}" if text else name)


class AnsweredRate:
    """Requests the model answered per second since the task's bar appeared — not rich's
    short-window speed, which a batch of answers arriving at once (hf, vLLM) inflates."""

    def __init__(self, clock: Any = None):
        import time

        self.clock = clock or time.monotonic
        self.start = self.clock()
        self.count = 0

    def answered(self, n: int = 1) -> None:
        self.count += n

    def text(self) -> str:
        """'4.2/s', or '' before the first answer."""
        elapsed = self.clock() - self.start
        return f"{self.count / elapsed:.1f}/s" if self.count and elapsed > 0 else ""


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


def _is_number(text: str) -> bool:
    return text == "—" or text.replace(".", "", 1).replace("-", "", 1).isdigit()


def _cell_width(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


WRAPPED_WIDTH = 20  # the least a text column that may wrap is given before columns move to another table


def split_columns(columns: Sequence[str], rows: Sequence[Sequence[str]], keys: int, width: int) -> list[list[int]]:
    """Column indexes of each table needed so that none is wider than `width`: the first `keys`
    columns in every table, the others spread over as few tables as fit (a table never cuts)."""
    need = []
    for i, c in enumerate(columns):
        natural = max([len(c), *(_cell_width(r[i]) for r in rows)]) + 3
        wraps = i >= keys and not all(_is_number(r[i]) for r in rows)
        need.append(min(natural, max(len(c) + 3, WRAPPED_WIDTH)) if wraps else natural)
    key_width = sum(need[:keys]) + 1
    groups: list[list[int]] = [[]]
    used = key_width
    for i in range(keys, len(columns)):
        if groups[-1] and used + need[i] > width:
            groups.append([])
            used = key_width
        groups[-1].append(i)
        used += need[i]
    return [[*range(keys), *g] for g in groups]


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, keys: int = 1, caption: str | None = None) -> None:
    """A table that fits the terminal (80 columns when piped): numbers never wrap, key columns
    (names) are never cut, long text wraps, and columns that cannot fit are moved to a second
    table that repeats the key columns — nothing is cut or dropped."""
    from rich.table import Table

    text_rows = [[_fmt(v) for v in row] for row in rows]
    out = console()
    groups = split_columns(columns, text_rows, keys, out.width)
    for n, group in enumerate(groups):
        suffix = f" ({n + 1}/{len(groups)})" if len(groups) > 1 else ""
        table = Table(title=f"{title}{suffix}")
        for i in group:
            numeric = bool(text_rows) and all(_is_number(r[i]) for r in text_rows)
            longest = max([len(columns[i]) if numeric else 0, *(_cell_width(r[i]) for r in text_rows)], default=0)
            if numeric or i < keys:
                table.add_column(columns[i], justify="right" if numeric else "left", no_wrap=True, min_width=min(longest, out.width // 2))
            else:
                table.add_column(columns[i], overflow="fold")
        for row in text_rows:
            table.add_row(*(row[i] for i in group))
        out.print(table)
    if caption:
        print(caption, flush=True)


def print_metrics_table(
    results: "RunResults",
    run_dir: Path | None = None,
    directions: Mapping[str, bool | None] | None = None,
    hidden: Mapping[str, str] | None = None,
) -> None:
    """The final table: one row per task and metric, with stderr and n; a legend of directions
    under it, the group and overall rows, paired robustness drops and history curves, the cost,
    and the run folder on a line of its own (never wrapped, so it copies cleanly). `hidden` maps
    metrics left out of the tables to their opt-in group (`--show-metrics GROUP`)."""
    directions = directions or {}
    hidden = hidden or {}
    rows: list[list[Any]] = []
    for task, data in results.tasks.items():
        first = True
        for metric, mv in data.metrics.items():
            if metric in hidden:
                continue
            direction = directions.get(metric)
            arrow = "" if direction is None else " ↑" if direction else " ↓"
            rows.append([task if first else "", f"{metric}{arrow}", mv.value, mv.stderr, mv.n])
            first = False
        if data.errors:
            rows.append(["", "failed samples", len(data.errors), None, None])
    caption = "↑ higher is better, ↓ lower is better; what each metric means: rbh list metrics"
    if hidden:
        groups = ",".join(sorted(set(hidden.values())))
        caption += f"\n{len(hidden)} more in results.json: --show-metrics {groups} (or all)"
    print_table(
        f"rbh results — {results.model.spec} ({results.scoring} scoring)",
        ("task", "metric", "value", "± stderr", "n"),
        rows,
        keys=2,
        caption=caption,
    )
    print_group_table(results, hidden)
    print_paired_drops(results)
    print_chance_levels(results)
    print_history_curves(results, hidden)
    from rbh.cost.report import cost_lines

    for line in cost_lines(results):
        print(line, flush=True)
    if run_dir is not None:
        print(f"results written to {run_dir}", flush=True)


def print_failures(causes: Sequence[tuple[int, str, Sequence[str]]]) -> None:
    """Failed samples grouped by cause: '3 × HTTP 429 ... (e.g. id1, id2)', on stderr."""
    for count, cause, examples in causes:
        more = f" (e.g. {', '.join(examples)})" if examples else ""
        print(f"{count} × {cause}{more}", file=sys.stderr)


def print_breakdowns(results: "RunResults", hidden: Mapping[str, str] | None = None) -> None:
    """Per-task breakdown tables (by number of conditions, relation, group attribute), without
    the `hidden` metrics (opt-in groups not shown)."""
    for task, data in results.tasks.items():
        for dimension, groups in data.breakdowns.items():
            metrics = sorted({m for g in groups.values() for m in g if m not in (hidden or {})})
            if not metrics:
                continue
            rows = [[str(group), *(values[m].value if m in values else None for m in metrics)] for group, values in groups.items()]
            print_table(f"{task} by {dimension}", (dimension, *metrics), rows)


def print_rows(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], keys: int = 1) -> None:
    """A plain table (`rbh list`, `rbh plugins`, a generator's report); see `print_table`: the
    first `keys` columns name a row and are repeated when the table is split to fit."""
    print_table(title, columns, rows, keys=keys)


def print_prompt(title: str, messages: Sequence[Mapping[str, str]]) -> None:
    """One rendered prompt, message by message (for `rbh run --dry-run`)."""
    from rich.panel import Panel

    body = "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)
    console().print(Panel(body, title=title, title_align="left", expand=True), markup=False)


def print_group_table(results: "RunResults", hidden: Mapping[str, str] | None = None) -> None:
    """Group and overall rows (metrics as columns, but the `hidden` ones); `*` marks a macro mean."""
    from rbh.results.table import metric_names

    entries = list(results.groups.items())
    if results.overall is not None:
        entries.append(("overall", results.overall))
    if not entries:
        return
    metrics = [m for m in metric_names(results) if m not in (hidden or {})]
    rows = []
    for name, group in entries:
        star = "*" if "macro" in group.aggregation.values() else ""
        rows.append([f"{name}{star}", *(group.metrics[m].value if m in group.metrics else None for m in metrics)])
    macro = any(str(row[0]).endswith("*") for row in rows)
    print_table(
        "groups", ("group", *metrics), rows, caption="* macro mean over the group's tasks; others: micro, over samples" if macro else None
    )


POSITION_METRICS = ("ndcg@10", "ndcg", "mrr", "position_corr")
CHANCE_METRICS = ("ndcg@10", "recall@10", "mrr")


def print_paired_drops(results: "RunResults", metrics: Sequence[str] = ("recall", "ndcg")) -> None:
    """The paired robustness drops and the position-probe changes (source - target, 95%
    interval) of the main metrics."""
    for title, drops, shown, caption in (
        (
            "paired robustness: drop = source - target",
            results.robustness,
            metrics,
            "all drops: results.json → robustness (paired bootstrap over pairs)",
        ),
        (
            "position bias: change = given - other order",
            results.position_bias,
            POSITION_METRICS,
            "all changes: results.json → position_bias (paired bootstrap over samples)",
        ),
    ):
        rows = [
            [d.scope, d.metric, f"{d.source} → {d.target}", d.drop, "—" if d.low is None else f"[{d.low:.4f}, {d.high:.4f}]", d.pairs]
            for d in drops
            if d.metric in shown
        ]
        if rows:
            print_table(title, ("scope", "metric", "step", "change", "95% interval", "pairs"), rows, keys=2, caption=caption)


def print_chance_levels(results: "RunResults") -> None:
    """Per rank task, what a uniformly random ordering of its candidate lists scores (analytic)."""
    ranked = {name: t.candidates for name, t in results.tasks.items() if t.candidates is not None}
    if not ranked:
        return
    rows = [[name, *(c.chance.get(m) for m in CHANCE_METRICS)] for name, c in ranked.items()]
    shapes = sorted({f"{c.size_mean:g} items, {c.positives_mean:g} positive(s)" for c in ranked.values()})
    print_table(
        "chance level: a uniformly random ordering (analytic)", ("task", *CHANCE_METRICS), rows, caption="lists of " + "; ".join(shapes)
    )


def print_history_curves(results: "RunResults", hidden: Mapping[str, str] | None = None) -> None:
    """One table per swept task: a row per history size (or reasoning effort), a column per
    (shown) metric."""
    from rbh.results.curves import effort_curves, history_curves

    curves: list[tuple[str, str, Any]] = [
        *((name, "history", points) for name, points in history_curves(results).items()),
        *((name, "effort", points) for name, points in effort_curves(results).items()),
    ]
    for name, by, points in curves:
        metrics = [m for m in dict.fromkeys(m for _, values in points for m in values) if m not in (hidden or {})]
        rows = [[x, *(values[m].value if m in values else None for m in metrics)] for x, values in points]
        print_table(f"{name} by {'history size' if by == 'history' else 'reasoning effort'}", (by, *metrics), rows)


def print_comparison(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], warnings: Sequence[str] = ()) -> None:
    """`rbh compare`'s leaderboard, its warnings first (loud, on stderr)."""
    err = console(stderr=True)
    for line in warnings:
        err.print(f"[bold red]warning:[/bold red] {line}")
    print_table(title, columns, rows)


def print_cost_estimate(estimate: Any) -> None:
    """A dry run's cost table (`rbh.cost.CostEstimate`): per task, requests to send, estimated
    tokens and USD live and batch; "price unknown" when the model has no price."""
    from rbh.cost.report import format_usd

    def usd(value: float | None) -> str:
        return "price unknown" if value is None else format_usd(value)

    rows = [
        [t.task, f"{t.to_send:,}", f"{t.prompt_tokens:,}", f"{t.max_output_tokens:,}", usd(t.usd_live), usd(t.usd_batch)]
        for t in estimate.tasks
    ]
    totals = ("to_send", "prompt_tokens", "max_output_tokens")
    rows.append(
        ["total", *(f"{estimate.total(name):,}" for name in totals), usd(estimate.total("usd_live")), usd(estimate.total("usd_batch"))]
    )
    print_table(f"estimated cost — {estimate.model}", ("task", "to send", "prompt tok", "max out tok", "live", "batch"), rows)
