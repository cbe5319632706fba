"""`rbh generate`: build a RecBench+-style benchmark from a KG and interactions (DESIGN §9)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "generate",
        help="generate a benchmark dataset from a KG and interactions",
        description="Mine conditions from user histories, build the five subtypes, phrase and validate the queries, "
        "and write a dataset folder (parquet per config + dataset card). Without --kg/--interactions it "
        "uses the KG and simulated users rbh ships.",
    )
    p.add_argument(
        "--domain", required=True, choices=("movie", "book", "all"), help="the domain to generate ('all' = both, shipped data only)"
    )
    p.add_argument(
        "--kg", type=Path, default=None, help="KG: triples table (item_id, relation, entity), a TML1M movies.csv, or curated JSONL"
    )
    p.add_argument("--items", type=Path, default=None, help="catalog table (id, title, year, aliases) for a triples --kg")
    p.add_argument(
        "--interactions", type=Path, default=None, help="interactions (user_id, item_id, rating, timestamp): CSV, JSONL or parquet"
    )
    p.add_argument("--users", type=Path, default=None, help="users (user_id, age, gender, occupation) for demographics queries")
    p.add_argument("--phraser", default="template", help="'template' (offline) or BACKEND:MODEL, any registered model (default template)")
    p.add_argument("--model-args", default=None, help="backend arguments for an LLM phraser: k=v,...")
    p.add_argument("--seed", type=int, default=0, help="seed of every choice (default 0)")
    p.add_argument("--limit-users", type=int, default=None, help="use the first N users only")
    p.add_argument("--min-support", type=int, default=2, help="history items a condition set must hold for (default 2)")
    p.add_argument("--per-user", type=int, default=1, help="condition samples per user and subtype (default 1)")
    p.add_argument("--workers", type=int, default=1, help="processes for condition mining (default 1)")
    p.add_argument("--out", type=Path, required=True, help="dataset folder to write")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists and is not empty")
    p.add_argument("--push-to-hub", default=None, metavar="ORG/NAME", help="also publish the folder as a Hub dataset repo")
    p.add_argument("--private", action="store_true", help="create the Hub repo as private")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.errors import UsageError
    from rbh.ui import print_rows
    from rbh_kg.generator import GeneratorConfig, generate_benchmark
    from rbh_kg.generator.inputs import default_inputs, load_inputs

    for flag in ("limit_users", "min_support", "per_user", "workers"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise UsageError(f"--{flag.replace('_', '-')} must be a positive integer")
    if args.private and not args.push_to_hub:
        raise UsageError("--private only applies with --push-to-hub ORG/NAME")
    if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())) and not args.overwrite:
        raise UsageError(f"{args.out} exists and is not empty (use --overwrite to replace it)")
    own_files = [args.kg, args.items, args.interactions, args.users]
    domains = ("movie", "book") if args.domain == "all" else (args.domain,)
    if any(own_files):
        if args.domain == "all":
            raise UsageError("--domain all works with the shipped data only; give one domain with --kg/--interactions")
        if args.kg is None or args.interactions is None:
            raise UsageError("bring-your-own data needs at least --kg and --interactions")
        inputs = [load_inputs(args.domain, args.kg, args.items, args.interactions, args.users)]
    else:
        inputs = [default_inputs(d) for d in domains]
    config = GeneratorConfig(
        seed=args.seed, limit_users=args.limit_users, min_support=args.min_support, per_user=args.per_user, workers=args.workers
    )
    out, stats = generate_benchmark(inputs, args.out, config, args.phraser, progress=not args.no_progress, model_args=args.model_args)
    print_rows("generated samples (per subtype × number of conditions)", stats.columns(), stats.rows())
    if stats.rejected:
        print_rows("rejected phrasings (failed attempts, by validator rule)", ["domain", "subtype", "rule", "count"], stats.reject_rows())
    print(f"dataset written to {out}")
    if args.push_to_hub:
        from rbh_kg.hub import push_dataset

        url = push_dataset(out, args.push_to_hub, private=args.private)
        print(f"pushed to {url}")
    return 0
