"""Comparing runs (`rbh compare`): a leaderboard (rows are runs, columns tasks or groups ×
metrics, values ± stderr), paired differences on the samples two runs share with a seeded
bootstrap confidence interval, and warnings where runs are not comparable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rbh.results.model import MetricResult, PairedDrop, RunResults, SampleRow
from rbh.results.table import fmt_value, metric_names

# the paper's headline metrics (and interactive success, ranking ndcg@10), where a run has them
DEFAULT_METRICS = ("success", "recall", "ndcg", "cmr", "ndcg@10")
DROP_KINDS = (
    ("robustness", "paired robustness drops: source − target over pairs [95% interval] (pairs)"),
    ("position_bias", "position bias: given − other order over samples [95% interval] (pairs)"),
)
BOOTSTRAP = 1000


@dataclass
class ComparedRun:
    """One run in a comparison: its label, results, and per-task sample metrics by id."""

    label: str
    path: Path
    results: RunResults
    sample_metrics: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)  # task -> id -> metrics

    @classmethod
    def of(cls, label: str, path: Path, results: RunResults, samples: dict[str, list[SampleRow]]) -> "ComparedRun":
        return cls(label, path, results, {t: {r.id: r.metrics for r in rows} for t, rows in samples.items()})

    def columns(self) -> dict[str, tuple[str, list[str], dict[str, MetricResult]]]:
        """column name -> (kind, its tasks, its metrics): tasks, groups, overall."""
        out = {name: ("task", [name], t.metrics) for name, t in self.results.tasks.items()}
        out.update({name: ("group", g.tasks, g.metrics) for name, g in self.results.groups.items()})
        if self.results.overall is not None:
            out["overall"] = ("overall", self.results.overall.tasks, self.results.overall.metrics)
        return out


@dataclass
class Difference:
    """`a − b` on one column and metric, over the samples both runs scored."""

    a: str
    b: str
    column: str
    metric: str
    mean: float | None
    low: float | None
    high: float | None
    n: int

    def text(self) -> str:
        if self.mean is None or self.low is None or self.high is None:
            return "—"
        return f"{self.mean:+.4f} [{self.low:+.4f}, {self.high:+.4f}]"


@dataclass
class Comparison:
    runs: list[ComparedRun]
    columns: list[str]
    metrics: list[str]
    differences: list[Difference]
    warnings: list[str]

    def header(self) -> list[str]:
        return ["run", *(f"{c} {m}" for c in self.columns for m in self.metrics)]

    def value(self, run: ComparedRun, column: str, metric: str) -> MetricResult | None:
        entry = run.columns().get(column)
        return entry[2].get(metric) if entry else None

    def rows(self) -> list[list[str]]:
        return [[r.label, *(fmt_value(self.value(r, c, m)) for c in self.columns for m in self.metrics)] for r in self.runs]

    def difference_rows(self) -> list[list[str]]:
        by_pair: dict[tuple[str, str], dict[tuple[str, str], Difference]] = {}
        for d in self.differences:
            by_pair.setdefault((d.a, d.b), {})[(d.column, d.metric)] = d
        return [
            [f"{a} − {b}", *(cells[(c, m)].text() if (c, m) in cells else "—" for c in self.columns for m in self.metrics)]
            for (a, b), cells in by_pair.items()
        ]

    def transposed(self) -> tuple[list[str], list[list[str]]]:
        """The leaderboard turned for a terminal: rows are column × metric, one column per run."""
        header = ["task / metric", *(r.label for r in self.runs)]
        rows = []
        for c in self.columns:
            for m in self.metrics:
                cells = []
                for r in self.runs:
                    mv = self.value(r, c, m)
                    cells.append(f"{mv.value:.3f}±{mv.stderr or 0:.3f}" if mv is not None and mv.value is not None else "—")
                rows.append([f"{c} {m}", *cells])
        return header, rows

    def difference_records(self, columns: Sequence[str] | None = None) -> list[list[str]]:
        """Long-form differences for a terminal: pair, column, metric, mean [95% CI], n."""
        keep = set(columns or self.columns)
        return [[f"{d.a} − {d.b}", d.column, d.metric, d.text(), str(d.n)] for d in self.differences if d.column in keep]

    def turn_rows(self) -> list[list[str]]:
        """Interactive tasks' success by turn, the runs side by side: task, turn, then per run."""
        from rbh.results.curves import turn_curves

        curves = [turn_curves(r.results) for r in self.runs]
        tasks = list(dict.fromkeys(t for c in curves for t in c))
        rows = []
        for task in tasks:
            turns = sorted({t for c in curves for t, _ in c.get(task, [])})
            for turn in turns:
                cells = []
                for c in curves:
                    mv = dict(c.get(task, [])).get(turn, {}).get("success")
                    cells.append(f"{mv.value:.3f}±{mv.stderr or 0:.3f}" if mv is not None and mv.value is not None else "—")
                rows.append([task, str(turn), *cells])
        return rows

    def robustness_rows(self, kind: str = "robustness") -> list[list[str]]:
        """The runs' paired robustness drops (`kind="position_bias"`: their position-probe
        changes, position_corr's among them) side by side, for the compared metrics: scope,
        metric, step, then per run `drop [95% interval] (pairs)`."""
        shown = set(self.metrics) | ({"position_corr"} if kind == "position_bias" else set())
        by_run = [{(d.scope, d.metric, d.source, d.target): d for d in getattr(r.results, kind)} for r in self.runs]
        keys = dict.fromkeys(key for drops in by_run for key in drops if key[1] in shown)
        rows = []
        for scope, metric, source, target in keys:
            cells = [drop_text(drops.get((scope, metric, source, target))) for drops in by_run]
            rows.append([scope, metric, f"{source} → {target}", *cells])
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": [
                {
                    "label": r.label,
                    "path": str(r.path),
                    "model": r.results.model.spec,
                    "values": {
                        c: {m: (mv.model_dump() if (mv := self.value(r, c, m)) else None) for m in self.metrics} for c in self.columns
                    },
                }
                for r in self.runs
            ],
            "differences": [d.__dict__ for d in self.differences],
            "robustness": {r.label: [d.model_dump() for d in r.results.robustness if d.metric in self.metrics] for r in self.runs},
            "position_bias": {r.label: [d.model_dump() for d in r.results.position_bias] for r in self.runs},
            "warnings": self.warnings,
        }


def compare_runs(
    runs: Sequence[ComparedRun], metrics: Sequence[str] | None = None, columns: Sequence[str] | None = None, seed: int = 0
) -> Comparison:
    """The leaderboard of `runs`; every pair's paired bootstrap differences; the warnings."""
    all_metrics = list(dict.fromkeys(m for r in runs for m in metric_names(r.results)))
    defaults = [m for m in DEFAULT_METRICS if m in all_metrics] + [m for m in all_metrics if m.startswith("pass^")]
    use_metrics = list(metrics) if metrics else defaults or all_metrics[:1]
    shared_columns = [c for c in runs[0].columns() if all(c in r.columns() for r in runs[1:])]
    use_columns = list(columns) if columns else shared_columns
    differences = []
    for i, a in enumerate(runs):
        for b in runs[i + 1 :]:
            for column in use_columns:
                for metric in use_metrics:
                    differences.append(paired_difference(a, b, column, metric, seed))
    return Comparison(list(runs), use_columns, use_metrics, differences, comparability_warnings(runs))


def drop_text(d: PairedDrop | None) -> str:
    """`0.4680 [0.4050, 0.5330] (171)`: a paired drop, its interval and its number of pairs."""
    if d is None:
        return "—"
    interval = "" if d.low is None or d.high is None else f" [{d.low:.4f}, {d.high:.4f}]"
    return f"{d.drop:.4f}{interval} ({d.pairs})"


ROBUSTNESS_HEADER = ("scope", "metric", "step")


def paired_difference(a: ComparedRun, b: ComparedRun, column: str, metric: str, seed: int = 0) -> Difference:
    """Mean of `a − b` over the samples both scored (per task, pooled over a group's tasks), with
    a 95% percentile interval from a seeded paired bootstrap."""
    tasks_a, tasks_b = a.columns().get(column), b.columns().get(column)
    diffs: list[float] = []
    if tasks_a and tasks_b:
        for task in set(tasks_a[1]) & set(tasks_b[1]):
            rows_a, rows_b = a.sample_metrics.get(task, {}), b.sample_metrics.get(task, {})
            for sid in rows_a.keys() & rows_b.keys():
                va, vb = rows_a[sid].get(metric), rows_b[sid].get(metric)
                if va is not None and vb is not None:
                    diffs.append(va - vb)
    if not diffs:
        return Difference(a.label, b.label, column, metric, None, None, None, 0)
    values = np.asarray(diffs)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(BOOTSTRAP, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Difference(a.label, b.label, column, metric, float(values.mean()), float(low), float(high), len(values))


def comparability_warnings(runs: Sequence[ComparedRun]) -> list[str]:
    """What makes the runs' numbers not directly comparable: dataset fingerprint, k, history,
    scoring set, sample set, or tasks only some runs have."""
    warnings = []
    first = runs[0]
    scorings = {r.label: r.results.scoring for r in runs}
    if len(set(scorings.values())) > 1:
        warnings.append("runs use different scoring sets: " + _listing(scorings))
    tasks = set.intersection(*(set(r.results.tasks) for r in runs))
    for r in runs:
        extra = sorted(set(r.results.tasks) - tasks)
        if extra:
            warnings.append(f"{r.label} has tasks the other runs lack: {', '.join(extra[:5])}{' ...' if len(extra) > 5 else ''}")
    for task in sorted(tasks):
        for what, get in (
            ("dataset fingerprint", lambda r, t=task: r.results.tasks[t].dataset.fingerprint[:12]),
            ("k", lambda r, t=task: str(r.results.tasks[t].effective.get("k"))),
            ("history", lambda r, t=task: str(r.results.tasks[t].effective.get("history"))),
        ):
            seen = {r.label: get(r) for r in runs}
            if len(set(seen.values())) > 1:
                warnings.append(f"{task}: runs differ in {what}: {_listing(seen)}")
        ids = [set(r.sample_metrics.get(task, {})) for r in runs]
        if all(ids) and any(s != ids[0] for s in ids[1:]):
            shared = len(set.intersection(*ids))
            warnings.append(
                f"{task}: runs scored different samples ({', '.join(f'{r.label}: {len(s)}' for r, s in zip(runs, ids))}; "
                f"{shared} shared); differences use the shared ones"
            )
        counts = {r.label: str(r.results.tasks[task].counts.samples) for r in runs}
        if not all(ids) and len(set(counts.values())) > 1:
            warnings.append(f"{task}: runs scored different numbers of samples: {_listing(counts)}")
    del first
    return warnings


def _listing(values: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def markdown(comparison: Comparison) -> str:
    """The leaderboard and the pairwise differences as Markdown tables."""
    header = comparison.header()

    def table(rows: list[list[str]], first: str) -> list[str]:
        return [
            "| " + " | ".join([first, *header[1:]]) + " |",
            "|---|" + "---:|" * (len(header) - 1),
            *("| " + " | ".join(row) + " |" for row in rows),
        ]

    lines = [f"> **warning:** {w}" for w in comparison.warnings]
    lines += ["", *table(comparison.rows(), "run")] if lines else table(comparison.rows(), "run")
    diff_rows = comparison.difference_rows()
    if diff_rows:
        lines += ["", "Paired differences on shared samples (mean [95% bootstrap CI]):", "", *table(diff_rows, "pair")]
    for kind, title in DROP_KINDS:
        drops = comparison.robustness_rows(kind)
        if drops:
            head = [*ROBUSTNESS_HEADER, *(r.label for r in comparison.runs)]
            lines += ["", f"{title[0].upper()}{title[1:]}:", ""]
            lines += ["| " + " | ".join(head) + " |", "|---|---|---|" + "---:|" * len(comparison.runs)]
            lines += ["| " + " | ".join(row) + " |" for row in drops]
    return "\n".join(lines) + "\n"


def csv_text(comparison: Comparison) -> str:
    """Long-form CSV: run, column, metric, value, stderr, n."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "column", "metric", "value", "stderr", "n"])
    for r in comparison.runs:
        for c in comparison.columns:
            for m in comparison.metrics:
                mv = comparison.value(r, c, m)
                writer.writerow([r.label, c, m, *((mv.value, mv.stderr, mv.n) if mv else ("", "", ""))])
    return out.getvalue()


def html(comparison: Comparison) -> str:
    """A standalone HTML page with the leaderboard and the differences."""
    from html import escape

    def table(rows: list[list[str]], first: str) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in [first, *comparison.header()[1:]])
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    warnings = "".join(f'<p class="warning">warning: {escape(w)}</p>' for w in comparison.warnings)
    diffs = comparison.difference_rows()
    diff_html = f"<h2>Paired differences on shared samples (mean [95% CI])</h2>{table(diffs, 'pair')}" if diffs else ""
    for kind, title in DROP_KINDS:
        drops = comparison.robustness_rows(kind)
        if drops:
            head = "".join(f"<th>{escape(h)}</th>" for h in [*ROBUSTNESS_HEADER, *(r.label for r in comparison.runs)])
            body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in drops)
            diff_html += (
                f"<h2>{escape(title[0].upper() + title[1:])}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
    style = (
        "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.warning{color:#b00;font-weight:bold}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>rbh compare</title><style>{style}</style></head><body>"
        f"<h1>rbh compare</h1>{warnings}{table(comparison.rows(), 'run')}{diff_html}</body></html>\n"
    )
