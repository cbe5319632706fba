"""`rbh merge RUN... --out DIR`: join the shard folders of one evaluation into one run folder."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "merge",
        help="join shard folders (rbh run --shard I/N) into one run",
        description="Join the run folders of every shard of one evaluation into one run folder whose results equal an unsharded run's.",
    )
    p.add_argument("runs", nargs="+", type=Path, metavar="RUN", help="the shard run folders (any order)")
    p.add_argument("--out", type=Path, required=True, help="the merged run folder to write")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry
    from rbh.runner.merge import merge_runs
    from rbh.runner.run import print_results

    registry = get_registry()
    results = merge_runs(list(args.runs), args.out, registry, command=shlex.join(["rbh", *sys.argv[1:]]))
    print_results(results, registry, args.out)
    return 1 if results.failed else 0
