"""Curves: history-length and reasoning-effort curves (the tasks a `history_sweep` or an
`effort_sweep` expanded into, gathered per swept task as one row per history size or effort and
one column per metric) and the turn curves of interactive tasks (`success@t` by turn t)."""

from __future__ import annotations

from rbh.results.model import MetricResult, RunResults


def history_curves(results: RunResults) -> dict[str, list[tuple[int, dict[str, MetricResult]]]]:
    """{swept task: [(history size, metrics), ...] by size}."""
    out: dict[str, list[tuple[int, dict[str, MetricResult]]]] = {}
    for task in results.tasks.values():
        swept = task.config.get("history_sweep_of")
        if swept:
            out.setdefault(str(swept), []).append((int(task.config.get("history_size", 0)), task.metrics))
    return {name: sorted(points, key=lambda p: p[0]) for name, points in sorted(out.items())}


def effort_curves(results: RunResults) -> dict[str, list[tuple[str, dict[str, MetricResult]]]]:
    """{swept task: [(reasoning effort, metrics), ...] from none to max} (`effort_sweep`)."""
    from rbh.models.effort import EFFORTS

    out: dict[str, list[tuple[str, dict[str, MetricResult]]]] = {}
    for task in results.tasks.values():
        swept = task.config.get("effort_sweep_of")
        if swept:
            effort = str((task.config.get("generation") or {}).get("reasoning_effort"))
            out.setdefault(str(swept), []).append((effort, task.metrics))
    rank = {e: i for i, e in enumerate(EFFORTS)}
    return {name: sorted(points, key=lambda p: rank.get(p[0], len(rank))) for name, points in sorted(out.items())}


def turn_curves(results: RunResults) -> dict[str, list[tuple[int, dict[str, MetricResult]]]]:
    """{interactive task: [(turn, {"success": success@turn}), ...] by turn}."""
    out: dict[str, list[tuple[int, dict[str, MetricResult]]]] = {}
    for name, task in results.tasks.items():
        points = [
            (int(m.split("@", 1)[1]), {"success": v}) for m, v in task.metrics.items() if m.startswith("success@") and m[8:].isdigit()
        ]
        if points:
            out[name] = sorted(points, key=lambda p: p[0])
    return out


def turn_curves_markdown(results: RunResults) -> list[str]:
    """One table of the interactive tasks: rows turns, columns tasks (success by that turn)."""
    from rbh.results.table import fmt_value

    curves = turn_curves(results)
    if not curves:
        return []
    turns = sorted({t for points in curves.values() for t, _ in points})
    by_task = {name: dict(points) for name, points in curves.items()}
    lines = ["", "## Success by turn", "", "| turn | " + " | ".join(curves) + " |", "|---:|" + "---:|" * len(curves)]
    lines += [f"| {t} | " + " | ".join(fmt_value((by_task[n].get(t) or {}).get("success")) for n in curves) + " |" for t in turns]
    return lines


def curves_markdown(results: RunResults, metrics: tuple[str, ...] | None = None) -> list[str]:
    """One Markdown table per swept task (rows: history sizes, or reasoning efforts)."""
    from rbh.results.table import fmt_value

    out: list[str] = []
    for title, by, curves in (
        ("History-length curves", "history", history_curves(results)),
        ("Reasoning-effort curves", "effort", effort_curves(results)),
    ):
        lines: list[str] = []
        for name, points in curves.items():
            shown = list(metrics or dict.fromkeys(m for _, values in points for m in values))
            lines += ["", f"### {name} by {'history size' if by == 'history' else 'reasoning effort'}", ""]
            lines += [f"| {by} | " + " | ".join(shown) + " |", "|---:|" + "---:|" * len(shown)]
            lines += [f"| {x} | " + " | ".join(fmt_value(values.get(m)) for m in shown) + " |" for x, values in points]
        out += ["", f"## {title}", *lines] if lines else []
    return out
