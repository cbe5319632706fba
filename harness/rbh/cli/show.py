"""`rbh show RUN`: print a saved run's table (tasks, groups, overall) without re-scoring."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "show",
        help="print a saved run's results table",
        description="Print the metric table of a run folder (or a results file in it) as it was scored, "
        "with group and overall rows; nothing is re-scored.",
    )
    p.add_argument("run", type=Path, metavar="RUN", help="a run folder, or a results.json / results.NAME.json in it")
    p.add_argument("--format", choices=("table", "markdown", "csv"), default="table", help="output format (default: table)")
    p.add_argument("--breakdown", action="store_true", help="also print metric breakdowns (table format)")
    p.add_argument(
        "--show-metrics",
        default=None,
        metavar="SECTION,...",
        help="also print the opt-in metric sections (ranking, beyond, diagnosis, all)",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry
    from rbh.results.folder import RESULTS_FILE, read_results
    from rbh.results.table import markdown_table, results_csv
    from rbh.runner.groups import with_groups

    path = args.run / RESULTS_FILE if args.run.is_dir() else args.run
    results = with_groups(read_results(path), get_registry())
    if args.format == "markdown":
        print(markdown_table(results), end="")
    elif args.format == "csv":
        print(results_csv(results), end="")
    else:
        from rbh.runner.run import print_results

        show = tuple(g.strip() for g in (args.show_metrics or "").split(",") if g.strip())
        print_results(results, get_registry(), show=show, breakdown=args.breakdown)
    return 0
