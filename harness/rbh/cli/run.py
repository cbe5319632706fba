"""`rbh run`: evaluate a model on tasks."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "run", help="evaluate a model on tasks", description="Evaluate a model on tasks and write results/<timestamp>_<model>/."
    )
    p.add_argument("--tasks", required=True, help="comma-separated task, group or tag names, task YAML files or folders")
    p.add_argument("--model", required=True, help="BACKEND[:MODEL], e.g. oracle, bm25, openai:gpt-4o, vllm:qwen, replay:FILE")
    p.add_argument("--model-args", default=None, help="backend arguments: k=v,k=v (e.g. base_url=...,concurrency=32)")
    p.add_argument(
        "--concurrency", type=int, default=None, help="API backends: requests in flight at most (same as --model-args concurrency=N)"
    )
    p.add_argument("--gen-kwargs", default=None, help="generation arguments: k=v,... (override the task's generation:)")
    p.add_argument("--dataset", default=None, help="dataset for every task: a registered name, hf:ORG/NAME or a folder")
    p.add_argument("--limit", type=int, default=None, help="evaluate the first N samples of each task")
    p.add_argument("--k", type=int, default=None, help="ask for and score exactly K recommendations")
    p.add_argument("--history", action="store_true", default=None, help="add the user's history to the prompt")
    p.add_argument("--seed", type=int, default=0, help="seed for sampling baselines and bootstrap (default 0)")
    p.add_argument("--output", type=Path, default=Path("results"), help="parent folder of the run folder (default results/)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the response cache")
    p.add_argument("--cache", type=Path, default=None, help="response cache file (default: the user cache dir)")
    p.add_argument(
        "--scoring", default="rbh", metavar="NAME", help="a registered scoring set: rbh (default) or official, the released evaluator's"
    )
    p.add_argument(
        "--batch",
        action="store_true",
        help="openai/anthropic: send through the provider's batch API (about half the price, results within 24 h; resumable)",
    )
    p.add_argument(
        "--max-cost", type=float, default=None, metavar="USD", help="stop sending before the next request (or batch) would cross USD"
    )
    p.add_argument("--breakdown", action="store_true", help="also print metric breakdowns")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.errors import UsageError
    from rbh.models.spec import parse_kv, parse_model_spec
    from rbh.registry import get_registry
    from rbh.runner.plan import RunOptions
    from rbh.runner.run import run_evaluation

    for flag in ("limit", "k"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise UsageError(f"--{flag} must be a positive integer")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError("--concurrency must be a positive integer")
    spec = parse_model_spec(args.model, args.model_args)
    if args.concurrency is not None:
        spec.args["concurrency"] = args.concurrency
    if args.batch:
        spec.args["batch"] = True
    options = RunOptions(
        tasks=args.tasks,
        model=spec,
        gen_kwargs=parse_kv(args.gen_kwargs, "--gen-kwargs"),
        dataset=args.dataset,
        limit=args.limit,
        k=args.k,
        history=args.history,
        seed=args.seed,
        output=args.output,
        use_cache=not args.no_cache,
        cache_path=args.cache,
        scoring=args.scoring,
        command=shlex.join(["rbh", *sys.argv[1:]]),
        show_progress=not args.no_progress,
        max_cost=args.max_cost,
    )
    outcome = run_evaluation(options, get_registry())
    if args.breakdown:
        from rbh.ui import print_breakdowns

        print_breakdowns(outcome.results)
    if outcome.failed:
        print(f"{outcome.failed} sample(s) failed after retries; run the same command again to retry them", file=sys.stderr)
    return outcome.exit_code
