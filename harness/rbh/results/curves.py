"""Curves: history-length curves (the tasks a `history_sweep` expanded into, gathered per swept
task as one row per history size and one column per metric) and the turn curves of interactive
tasks (`success@t` by turn t)."""

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
    """One Markdown table per swept task (rows: history sizes)."""
    from rbh.results.table import fmt_value

    lines: list[str] = []
    for name, points in history_curves(results).items():
        shown = list(metrics or dict.fromkeys(m for _, values in points for m in values))
        lines += ["", f"### {name} by history size", "", "| history | " + " | ".join(shown) + " |", "|---:|" + "---:|" * len(shown)]
        lines += [f"| {size} | " + " | ".join(fmt_value(values.get(m)) for m in shown) + " |" for size, values in points]
    return ["", "## History-length curves", *lines] if lines else []
