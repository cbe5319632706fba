"""The recbench plugin's commands (registered through `register_commands`): `rbh import
recbench-plus DIR --out OUT` converts the official RecBench+ files into a dataset folder;
`rbh export sft --tasks ... --out DIR` writes fine-tuning data from the tasks' prompts."""

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


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    from rbh_recbench.sft_export import FILE_TYPES, FORMATS

    p.add_argument("kind", choices=("sft",), help="what to export: sft (prompts + ground-truth answers for fine-tuning)")
    p.add_argument("--tasks", required=True, help="tasks, groups, tags or globs, as for rbh run")
    p.add_argument("--dataset", default=None, help="override every task's dataset (registered name, hf:ORG/NAME or folder)")
    p.add_argument("--split", default="train", help="the dataset split to export (default train; test needs --force)")
    p.add_argument("--out", type=Path, required=True, help="folder to write SPLIT.parquet (or .jsonl) into")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="messages", help="row layout (default messages)")
    p.add_argument("--file-type", choices=FILE_TYPES, default="parquet", help="file type (default parquet)")
    history = p.add_mutually_exclusive_group()
    history.add_argument("--history", dest="history", action="store_true", default=None, help="put the user's history in every prompt")
    history.add_argument("--no-history", dest="history", action="store_false", help="no history in any prompt")
    p.add_argument("--k", type=int, default=None, help="ask for exactly k titles (answers cut to k)")
    p.add_argument("--limit", type=float, default=None, help="at most N samples per task (or a fraction 0 < f < 1)")
    p.add_argument("--force", action="store_true", help="export the test split anyway (contaminates evaluation)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing export file")


def run_export(args: argparse.Namespace) -> int:
    import sys

    from rbh import UsageError
    from rbh_recbench.sft_export import export_sft

    if args.split == "test":
        if not args.force:
            raise UsageError(
                "--split test: training on the evaluation queries contaminates every later test score; use --force to export anyway"
            )
        print("warning: exporting the test split — a model trained on it must not be evaluated on these tasks", file=sys.stderr)
    if args.k is not None and args.k < 1:
        raise UsageError("--k must be a positive integer")
    if args.limit is not None and args.limit <= 0:
        raise UsageError("--limit must be positive")
    report = export_sft(
        args.tasks,
        args.out,
        dataset=args.dataset,
        split=args.split,
        fmt=args.fmt,
        file_type=args.file_type,
        history=args.history,
        k=args.k,
        limit=args.limit,
        overwrite=args.overwrite,
    )
    for task, n in report.per_task.items():
        print(f"{task}: {n} rows")
    print(f"{report.rows} rows written to {report.path}")
    return 0


EXPORT = Command(
    name="export",
    help="export training data (prompts + ground-truth answers) from tasks",
    description="Write the prompts evaluation renders for a split (train by default) with the ground-truth titles as the "
    "assistant turn: parquet or JSONL that TRL's SFTTrainer/GRPOTrainer and datasets.load_dataset read directly.",
    add_arguments=add_export_arguments,
    run=run_export,
)
