"""A run's results as a table: one row per task, then its groups and the overall row; rendered as
records (for pandas), Markdown (`summary.md`) and CSV (`results.csv`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from rbh.results.model import GroupResult, MetricResult, PairedDrop, RunResults

RECORD_FIELDS = ("kind", "name", "metric", "value", "stderr", "n")


def metric_names(results: RunResults) -> list[str]:
    """Every metric of the run, in first-seen order."""
    return list(dict.fromkeys(m for t in results.tasks.values() for m in t.metrics))


def table_entries(results: RunResults) -> list[tuple[str, str, dict[str, MetricResult]]]:
    """(kind, name, metrics) per row: tasks, then groups, then the overall row."""
    rows: list[tuple[str, str, dict[str, MetricResult]]] = [("task", name, t.metrics) for name, t in results.tasks.items()]
    rows += [("group", name, g.metrics) for name, g in results.groups.items()]
    if results.overall is not None:
        rows.append(("overall", "overall", results.overall.metrics))
    return rows


def records(results: RunResults) -> list[dict[str, Any]]:
    """Long-form records, one per row and metric: `pandas.DataFrame(records(results))`."""
    return [
        {"kind": kind, "name": name, "metric": metric, "value": mv.value, "stderr": mv.stderr, "n": mv.n}
        for kind, name, metrics in table_entries(results)
        for metric, mv in metrics.items()
    ]


def fmt_value(mv: MetricResult | None, stderr: bool = True) -> str:
    """'0.4213 ± 0.0120', or '—' when the metric does not apply."""
    if mv is None or mv.value is None:
        return "—"
    if stderr and mv.stderr is not None:
        return f"{mv.value:.4f} ± {mv.stderr:.4f}"
    return f"{mv.value:.4f}"


def _label(kind: str, name: str, group: GroupResult | None) -> str:
    if kind == "task":
        return name
    pooled = sorted(set(group.aggregation.values())) if group else []
    how = f" ({'/'.join(pooled)})" if pooled else ""
    return f"**{name}**{how}"


def markdown_table(results: RunResults) -> str:
    """The metric table in Markdown: rows are tasks, groups and overall; cells `value ± stderr`."""
    metrics = metric_names(results)
    lines = ["| task | n | " + " | ".join(metrics) + " |", "|---|---:|" + "---:|" * len(metrics)]
    for kind, name, values in table_entries(results):
        group = results.groups.get(name) if kind == "group" else results.overall if kind == "overall" else None
        n = max((v.n for v in values.values()), default=0)
        lines.append(f"| {_label(kind, name, group)} | {n} | " + " | ".join(fmt_value(values.get(m)) for m in metrics) + " |")
    return "\n".join(lines) + "\n"


def summary_markdown(results: RunResults) -> str:
    """`summary.md`: what ran, then the metric table with group and overall rows."""
    datasets = sorted({f"{t.dataset.name} ({t.dataset.fingerprint[:12]})" for t in results.tasks.values()})
    ks = sorted({str(t.effective.get("k")) for t in results.tasks.values()})
    history = sorted({str(t.effective.get("history")) for t in results.tasks.values()})
    failed = f", **{results.failed} failed sample(s)**" if results.failed else ""
    head = [
        f"# rbh results — {results.model.spec}",
        "",
        f"- model: `{results.model.spec}` (backend {results.model.backend}, {results.model.plugin} {results.model.version})",
        f"- dataset: {', '.join(datasets)}",
        f"- scoring: {results.scoring}; k: {', '.join(ks)}; history: {', '.join(history)}; seed: {results.seed}",
        f"- rbh {results.rbh_version}, {results.created}, {results.wall_time_s:.1f} s{failed}",
        f"- command: `{results.command}`" if results.command else "",
        "",
        "Values are means over the samples where the metric applies, ± bootstrap standard error; group rows "
        "pool their tasks (micro: weighted by samples, macro: every task counts once).",
        "",
        "",
    ]
    from rbh.cost.report import cost_lines

    cost = cost_lines(results)
    tail = ["", "## Cost", "", *(f"- {line}" for line in cost), ""] if cost else []
    from rbh.results.curves import curves_markdown, turn_curves_markdown

    extra = [
        *robustness_markdown(results),
        *position_markdown(results),
        *chance_markdown(results),
        *curves_markdown(results),
        *turn_curves_markdown(results),
        *diagnosis_markdown(results),
    ]
    return "\n".join(line for line in head if line is not None) + markdown_table(results) + "\n".join(extra + tail)


def robustness_markdown(results: RunResults) -> list[str]:
    """The paired robustness drops (none when the run has no paired samples)."""
    return drops_markdown(
        "Paired robustness",
        "drop = source − target over pairs (one request asked three ways), paired bootstrap 95% interval.",
        results.robustness,
    )


def position_markdown(results: RunResults) -> list[str]:
    """The position probes' paired changes (none when the run probed no rank task)."""
    return drops_markdown(
        "Position bias",
        "change = metric with the candidates in the given order − in another order, over samples (each list shown both ways), "
        "paired bootstrap 95% interval; position_corr near 1 in every order means the ranking follows the list.",
        results.position_bias,
    )


def drops_markdown(title: str, blurb: str, drops: Sequence[PairedDrop]) -> list[str]:
    if not drops:
        return []
    lines = ["", f"## {title}", "", blurb, ""]
    lines += ["| scope | metric | step | change | 95% interval | pairs |", "|---|---|---|---:|---|---:|"]
    for d in drops:
        interval = "—" if d.low is None else f"[{d.low:.4f}, {d.high:.4f}]"
        lines.append(f"| {d.scope} | {d.metric} | {d.source} → {d.target} | {d.drop:.4f} | {interval} | {d.pairs} |")
    return lines


def chance_markdown(results: RunResults) -> list[str]:
    """The rank tasks' candidate lists and the chance level of each rank metric."""
    ranked = {name: t for name, t in results.tasks.items() if t.candidates is not None}
    if not ranked:
        return []
    metrics = list(dict.fromkeys(m for t in ranked.values() if t.candidates for m in t.candidates.chance))
    lines = [
        "",
        "## Candidate ranking: chance level",
        "",
        "What a uniformly random ordering of each task's candidate lists scores (analytic).",
        "",
    ]
    lines += ["| task | negatives | list | positives | " + " | ".join(metrics) + " |", "|---|---|---:|---:|" + "---:|" * len(metrics)]
    for name, t in ranked.items():
        c = t.candidates
        assert c is not None
        drawn = (t.config.get("candidates") or {}).get("strategy", "?")
        lines.append(
            f"| {name} | {drawn} | {c.size_mean:g} | {c.positives_mean:g} | "
            + " | ".join("—" if m not in c.chance else f"{c.chance[m]:.4f}" for m in metrics)
            + " |"
        )
    return lines


DIAGNOSIS = {"relation": ("relation_satisfaction",), "misinformed_relation": ("premise_following", "correction", "recall")}


def diagnosis_markdown(results: RunResults) -> list[str]:
    """Why recommendations failed: condition satisfaction per relation, premise following per
    misinformed relation (tasks that have these breakdowns)."""
    lines: list[str] = []
    for dimension, metrics in DIAGNOSIS.items():
        for task, data in results.tasks.items():
            groups = data.breakdowns.get(dimension, {})
            shown = [m for m in metrics if any(m in cell for cell in groups.values())]
            if not shown:
                continue
            lines += ["", f"### {task} by {dimension}", "", f"| {dimension} | " + " | ".join(shown) + " |", "|---|" + "---:|" * len(shown)]
            lines += [f"| {group} | " + " | ".join(fmt_value(cell.get(m)) for m in shown) + " |" for group, cell in groups.items()]
    return ["", "## Why recommendations failed", *lines] if lines else []


def results_csv(results: RunResults) -> str:
    """`results.csv`: the long-form records (kind, name, metric, value, stderr, n)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records(results))
    return out.getvalue()
