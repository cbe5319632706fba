"""`rbh score RUN_DIR`: re-score saved responses without calling any model."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "score",
        help="re-score a saved run without calling a model",
        description="Re-score the responses of a run folder; writes results.<scoring>.json beside results.json.",
    )
    p.add_argument("run_dir", type=Path, help="a run folder (results/<timestamp>_<model>) or its results.json")
    p.add_argument(
        "--scoring", default="rbh", metavar="NAME", help="a registered scoring set: rbh (default) or official (`rbh list scoring_sets`)"
    )
    p.add_argument("--dataset", default=None, help="load catalogs/KGs from this dataset instead of the recorded one")
    p.add_argument("--seed", type=int, default=None, help="bootstrap seed (default: the run's)")
    p.add_argument("--breakdown", action="store_true", help="also print metric breakdowns")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry
    from rbh.runner.rescore import rescore_run
    from rbh.runner.run import print_results

    registry = get_registry()
    path, results = rescore_run(args.run_dir, registry, scoring=args.scoring, dataset=args.dataset, seed=args.seed)
    print_results(results, registry, path, breakdown=args.breakdown)
    return 0
