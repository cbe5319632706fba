"""`rbh generate`: the kg plugin's command that builds a RecBench+-style benchmark (docs/design.md §9)
with a registered generator (`--generator`, default `kg`), and optionally publishes it."""

from __future__ import annotations

import argparse
from pathlib import Path

from rbh import Command


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--generator", default="kg", help="a registered generator (`rbh list generators`; default kg)")
    p.add_argument(
        "--domain",
        required=True,
        help="the domain to generate: a registered domain profile (`rbh list domains`: movie, book, …), or 'all' for the shipped movie and book data",
    )
    p.add_argument(
        "--kg", type=Path, default=None, help="KG: triples table (item_id, relation, entity), a TML1M movies.csv, or curated JSONL"
    )
    p.add_argument("--items", type=Path, default=None, help="catalog table (id, title, year, aliases) for a triples --kg")
    p.add_argument(
        "--interactions", type=Path, default=None, help="interactions (user_id, item_id, rating, timestamp): CSV, JSONL or parquet"
    )
    p.add_argument("--users", type=Path, default=None, help="users (user_id, age, gender, occupation) for demographics queries")
    p.add_argument(
        "--people",
        type=Path,
        default=None,
        help="people's gender (name, gender) so misinformation keeps it; without it the rule is skipped",
    )
    p.add_argument("--phraser", default="template", help="'template' (offline) or BACKEND:MODEL, any registered model (default template)")
    p.add_argument("--model-args", default=None, help="backend arguments for an LLM phraser: k=v,...")
    p.add_argument("--seed", type=int, default=0, help="seed of every choice (default 0)")
    p.add_argument("--limit-users", type=int, default=None, help="use the first N users only")
    p.add_argument("--min-support", type=int, default=2, help="history items a condition set must hold for (default 2)")
    p.add_argument("--per-user", type=int, default=1, help="condition samples per user and subtype (default 1)")
    p.add_argument("--workers", type=int, default=1, help="processes for condition mining (default 1)")
    p.add_argument(
        "--splits",
        default=None,
        metavar="TRAIN/VAL/TEST",
        help="shares of users in the train, validation and test splits (default 60/10/30; test > 0)",
    )
    p.add_argument("--out", type=Path, required=True, help="dataset folder to write")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists and is not empty")
    p.add_argument("--push-to-hub", default=None, metavar="ORG/NAME", help="also publish the folder as a Hub dataset repo")
    p.add_argument("--private", action="store_true", help="create the Hub repo as private")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


GENERATOR_OPTIONS = (
    "domain", "kg", "items", "interactions", "users", "people", "phraser", "model_args", "seed", "limit_users", "min_support", "per_user", "workers",
)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from rbh import UsageError, get_registry, print_rows
    from rbh.data import push_dataset

    if args.private and not args.push_to_hub:
        raise UsageError("--private only applies with --push-to-hub ORG/NAME")
    if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())) and not args.overwrite:
        raise UsageError(f"{args.out} exists and is not empty (use --overwrite to replace it)")
    generator = get_registry().generator(args.generator).obj()
    options = {name: getattr(args, name) for name in GENERATOR_OPTIONS}
    if args.splits is not None:
        options["split_shares"] = parse_splits(args.splits)
    report = generator.generate(args.out, progress=not args.no_progress, **options)
    for table in report.tables:
        print_rows(table.title, table.columns, table.rows, keys=table.keys)
    print(f"dataset written to {report.path}")
    if args.push_to_hub:
        url = push_dataset(report.path, args.push_to_hub, private=args.private, progress=not args.no_progress)
        print(f"pushed to {url}")
    return 0


def parse_splits(text: str) -> tuple[float, float, float]:
    """'60/10/30' (or '0.8/0.1/0.1') → normalised train, validation and test shares."""
    from rbh import UsageError
    from rbh_kg.generator.splits import check_shares

    try:
        return check_shares([float(v) for v in text.split("/")])
    except ValueError:
        raise UsageError(f"--splits {text!r}: expected TRAIN/VAL/TEST shares such as 80/10/10 (test > 0)") from None


GENERATE = Command(
    name="generate",
    help="generate a benchmark dataset from a KG and interactions",
    description="Mine conditions from user histories, build the five subtypes, phrase and validate the queries, and write "
    "a dataset folder (parquet per config + dataset card). Without --kg/--interactions it uses the KG and simulated users "
    "rbh ships.",
    add_arguments=add_arguments,
    run=run,
)
