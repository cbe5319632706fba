"""History-length curves: the tasks a `history_sweep` expanded into, gathered per swept task as
one row per history size and one column per metric."""

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


def curves_markdown(results: RunResults, metrics: tuple[str, ...] | None = None) -> list[str]:
    """One Markdown table per swept task (rows: history sizes)."""
    from rbh.results.table import fmt_value

    lines: list[str] = []
    for name, points in history_curves(results).items():
        shown = list(metrics or dict.fromkeys(m for _, values in points for m in values))
        lines += ["", f"### {name} by history size", "", "| history | " + " | ".join(shown) + " |", "|---:|" + "---:|" * len(shown)]
        lines += [f"| {size} | " + " | ".join(fmt_value(values.get(m)) for m in shown) + " |" for size, values in points]
    return ["", "## History-length curves", *lines] if lines else []
