"""`rbh view RUN [RUN...]`: a self-contained HTML report (file or served on 127.0.0.1)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "view",
        help="an HTML report of one or more runs",
        description="Write one self-contained HTML file (scripts, styles and data inlined; works from file:// with no "
        "network) with the runs' headers, metric tables, plots and a sample browser; several runs side by side.",
    )
    p.add_argument("runs", type=Path, nargs="+", metavar="RUN", help="run folders (or results files in them)")
    p.add_argument("--out", type=Path, default=None, help="the HTML file (default: report.html in the first run folder)")
    p.add_argument("--serve", action="store_true", help="serve the report on 127.0.0.1 until interrupted")
    p.add_argument("--port", type=int, default=0, help="port for --serve (default: a free one)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import sys

    from rbh.registry import get_registry
    from rbh.runner.load import load_runs
    from rbh.view.report import write_report

    runs = load_runs(args.runs, get_registry())
    out = args.out or runs[0].path / "report.html"
    warnings = write_report(runs, get_registry(), out)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    if args.serve:
        from rbh.view.serve import serve

        serve(out, args.port)
    return 0
