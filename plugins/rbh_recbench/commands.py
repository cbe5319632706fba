"""`rbh import recbench-plus DIR --out OUT`: the recbench plugin's command that converts the
official RecBench+ files into a dataset folder (registered through `register_commands`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rbh import Command

SOURCES = ("recbench-plus",)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", choices=SOURCES, help="the release format")
    p.add_argument("src", type=Path, metavar="DIR", help="folder of the official release (with movie/ and/or book/)")
    p.add_argument("--out", type=Path, required=True, help="dataset folder to write (parquet per config + README.md)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from rbh_recbench.official_import import import_recbench_plus

    report = import_recbench_plus(args.src, args.out, progress=not args.no_progress, overwrite=args.overwrite)
    for config, n in sorted(report.samples.items()):
        print(f"{config}: {n} samples")
    for domain in sorted(report.items):
        unresolved = report.unresolved.get(domain, [])
        print(
            f"{domain}: {report.items[domain]} items, {report.triples[domain]} KG facts, "
            f"{len(unresolved)} ground-truth titles unresolved (kept as titles)"
        )
    print(f"dataset written to {report.out}")
    return 0


IMPORT = Command(
    name="import",
    help="convert an external benchmark release into an rbh dataset folder",
    description="Convert the official RecBench+ JSON files (DIR holds movie/ and/or book/) into a dataset folder rbh can run.",
    add_arguments=add_arguments,
    run=run,
)
