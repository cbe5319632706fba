"""`rbh compare RUN...`: a leaderboard of saved runs, with paired differences and warnings."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

FORMATS = ("table", "markdown", "csv", "json", "html")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "compare",
        help="compare saved runs: a leaderboard with paired differences",
        description="Rows are runs, columns are tasks, groups and overall × metrics (value ± stderr). For every pair of "
        "runs, the difference on the samples both scored, with a 95%% paired bootstrap interval. Runs that differ in "
        "dataset fingerprint, k, history, scoring set or samples are flagged. Runs over the robustness tasks also show "
        "their paired drops (explicit → implicit → misinformed) side by side, and runs over position probes (rank tasks "
        "as given, reversed and shuffled) their position-bias changes.",
    )
    p.add_argument("runs", type=Path, nargs="+", metavar="RUN", help="run folders (or results files in them)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--metrics", default=None, help="comma-separated metrics (default: success, recall, ndcg, cmr and pass^k where present)")
    p.add_argument("--columns", default=None, help="comma-separated tasks or groups to show (default: every one all runs have)")
    p.add_argument("--output", type=Path, default=None, help="write to this file instead of stdout")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.errors import UsageError
    from rbh.registry import get_registry
    from rbh.results import compare
    from rbh.results.folder import run_folder_of
    from rbh.runner.load import load_runs

    runs = load_runs(args.runs, get_registry())
    metrics = _names(args.metrics)
    columns = _names(args.columns)
    known_metrics = {m for r in runs for t in r.results.tasks.values() for m in t.metrics}
    for m in metrics or []:
        if m not in known_metrics:
            raise UsageError(f"--metrics: no run has the metric {m!r} (they have {', '.join(sorted(known_metrics))})")
    compared = [compare.ComparedRun.of(r.label, run_folder_of(r.path), r.results, r.samples) for r in runs]
    for c in columns or []:
        if not any(c in r.columns() for r in compared):
            raise UsageError(f"--columns: no run has the task or group {c!r}")
    result = compare.compare_runs(compared, metrics, columns, args.seed)
    if args.format == "table" and args.output is None:
        from rbh.ui import print_comparison

        header, rows = result.transposed()
        print_comparison("rbh compare (value ± stderr)", header, rows, result.warnings)
        diff_rows = result.difference_records(columns)  # every pair, task and metric (--columns narrows)
        if diff_rows:
            print_comparison(
                "paired differences on shared samples",
                ["pair", "task", "metric", "mean [95% CI]", "n"],
                diff_rows,
            )
        turns = result.turn_rows()
        if turns:
            from rbh.ui import print_table

            print_table("success by turn (interactive tasks)", ["task", "turn", *(r.label for r in result.runs)], turns, keys=2)
        for kind, title in compare.DROP_KINDS:
            drops = result.robustness_rows(kind)
            if drops:
                from rbh.ui import print_table

                print_table(title, [*compare.ROBUSTNESS_HEADER, *(r.label for r in result.runs)], drops, keys=3)
        return 0
    text = {
        "markdown": compare.markdown,
        "table": compare.markdown,
        "csv": compare.csv_text,
        "html": compare.html,
        "json": lambda c: json.dumps(c.to_dict(), indent=2) + "\n",
    }[args.format](result)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        if args.format in ("markdown", "csv", "json"):
            import sys

            for w in result.warnings:
                print(f"warning: {w}", file=sys.stderr)
        print(text, end="")
    return 0


def _names(value: str | None) -> list[str] | None:
    names = [v.strip() for v in (value or "").split(",") if v.strip()]
    return names or None
