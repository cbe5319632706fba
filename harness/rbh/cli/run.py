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
    choose = p.add_argument_group("choosing samples (applied in this order)")
    choose.add_argument("--sample-ids", default=None, metavar="ID,...|@FILE", help="only these sample ids (or official ids)")
    choose.add_argument("--shuffle", action="store_true", help="a seeded order (--seed): the same subset for every model")
    choose.add_argument("--limit", default=None, metavar="N|F", help="the first N samples of each task, or a fraction F (0.1)")
    choose.add_argument("--shard", default=None, metavar="I/N", help="run shard I of N (0-based) of the selection; `rbh merge` joins them")
    p.add_argument("--repeats", type=int, default=1, help="answer each sample N times (temperature > 0); metrics average per sample")
    p.add_argument("--metrics", default=None, help="comma-separated metrics replacing every task's metric list")
    p.add_argument("--k", type=int, default=None, help="ask for and score exactly K recommendations")
    p.add_argument("--history", action="store_true", default=None, help="add the user's history to the prompt")
    p.add_argument(
        "--tools",
        default=None,
        metavar="TOOL,...",
        help="interactive tasks: tools the assistant may call (catalog_search), replacing the tasks' own; 'none' for none",
    )
    p.add_argument(
        "--negatives",
        default=None,
        metavar="STRATEGY",
        help="rank tasks: draw the negatives by STRATEGY (random, popular, bm25, kg), replacing the tasks' own",
    )
    p.add_argument(
        "--effort-sweep",
        default=None,
        metavar="EFFORT,...",
        help="run every task once per reasoning effort (none, low, medium, high, max) and draw the curve",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of --shuffle, of sampling baselines and of the bootstrap (default 0)")
    p.add_argument("--output", type=Path, default=Path("results"), help="parent folder of the run folder (default results/)")
    p.add_argument("--run-name", default=None, help="name the run folder (default: <timestamp>_<model>)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the response cache")
    p.add_argument("--cache", type=Path, default=None, help="response cache file (default: the user cache dir)")
    p.add_argument(
        "--refresh", action="store_true", help="send every request again and replace its cached answer (after changing a model's code)"
    )
    p.add_argument(
        "--scoring", default="rbh", metavar="NAME", help="a registered scoring set: rbh (default) or official, the released evaluator's"
    )
    p.add_argument("--dry-run", action="store_true", help="check and plan everything, show counts and prompts, send nothing")
    p.add_argument("--show-prompts", type=int, default=1, metavar="N", help="with --dry-run: rendered prompts to show per task (default 1)")
    p.add_argument(
        "--batch",
        action="store_true",
        help="openai/anthropic: send through the provider's batch API (about half the price, results within 24 h; resumable)",
    )
    p.add_argument(
        "--max-cost", type=float, default=None, metavar="USD", help="stop sending before the next request (or batch) would cross USD"
    )
    p.add_argument("--breakdown", action="store_true", help="also print metric breakdowns")
    p.add_argument(
        "--show-metrics",
        default=None,
        metavar="SECTION,...",
        help="also print the opt-in metric sections: ranking, beyond, diagnosis, or all (always in results.json)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument(
        "--log-samples",
        choices=("slim", "full"),
        default="slim",
        help="sample rows name the dataset sample by id and fingerprint (slim, default) or copy it (full)",
    )
    p.add_argument("--no-log-samples", action="store_true", help="write only the results, no per-sample rows")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.errors import UsageError
    from rbh.registry import get_registry
    from rbh.runner.options import run_options

    if args.show_prompts < 0:
        raise UsageError("--show-prompts must be 0 or more")
    options = run_options(
        args.tasks,
        args.model,
        model_args=args.model_args,
        concurrency=args.concurrency,
        gen_kwargs=args.gen_kwargs,
        dataset=args.dataset,
        sample_ids=args.sample_ids,
        shuffle=args.shuffle,
        limit=args.limit,
        shard=args.shard,
        repeats=args.repeats,
        metrics=args.metrics,
        k=args.k,
        history=args.history,
        tools=args.tools,
        negatives=args.negatives,
        effort_sweep=args.effort_sweep,
        seed=args.seed,
        output=args.output,
        run_name=args.run_name,
        use_cache=not args.no_cache,
        cache=args.cache,
        refresh=args.refresh,
        scoring=args.scoring,
        batch=args.batch,
        max_cost=args.max_cost,
        breakdown=args.breakdown,
        show_metrics=args.show_metrics,
        log_samples="none" if args.no_log_samples else args.log_samples,
        show_progress=not args.no_progress,
        command=shlex.join(["rbh", *sys.argv[1:]]),
    )
    if args.dry_run:
        from rbh.runner.dry_run import dry_run

        return dry_run(options, get_registry(), show_prompts=args.show_prompts)
    from rbh.runner.failures import failure_causes
    from rbh.runner.run import run_evaluation
    from rbh.ui import print_failures

    outcome = run_evaluation(options, get_registry())
    if outcome.failed:
        print(
            f"{outcome.failed} sample(s) failed and are left out of the metrics (listed under `errors` in results.json); "
            "a re-run of this command sends only those again:",
            file=sys.stderr,
        )
        print_failures(failure_causes(outcome.results))
    return outcome.exit_code
