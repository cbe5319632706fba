"""`rbh push DIR ORG/NAME [--private]`: publish a dataset folder to the Hugging Face Hub;
`rbh push RUN... --results ORG/NAME`: publish run results and per-sample details."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "push",
        help="publish a dataset folder, or run results, to the Hugging Face Hub",
        description="`rbh push DIR ORG/NAME`: upload a dataset folder (README.md card + parquet/JSONL per config, as written "
        "by `rbh generate` or `rbh import`) to the Hub dataset repo ORG/NAME, creating it when missing. "
        "`rbh push RUN [RUN...] --results ORG/NAME`: upload run folders as a results dataset (config `results` with the "
        "metrics, a MODEL__TASK config per run and task with the per-sample details, `latest` splits, a card with the "
        "leaderboard). The token comes from HF_TOKEN or the login cache (`hf auth login`); HF_ENDPOINT selects another Hub.",
    )
    p.add_argument("paths", nargs="+", metavar="DIR ORG/NAME | RUN...", help="a dataset folder and its repo, or run folders with --results")
    p.add_argument("--results", default=None, metavar="ORG/NAME", help="publish the given run folders' results to this dataset repo")
    p.add_argument("--private", action="store_true", help="create the repo private (only applies to a new repo)")
    p.add_argument("--message", default=None, help="commit message (default: 'Upload dataset with rbh VERSION')")
    p.add_argument(
        "--dry-run", action="store_true", help="check and list what would be uploaded, and whose token would be used; send nothing"
    )
    p.add_argument("--no-progress", action="store_true", help="no status line while uploading")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.errors import UsageError

    if args.results is not None:
        return _push_results(args)
    if len(args.paths) != 2:
        raise UsageError("push takes a dataset folder and ORG/NAME (or run folders with --results ORG/NAME)")
    from rbh.data import push_dataset
    from rbh.data.hub import plan_push

    folder, repo_id = Path(args.paths[0]), args.paths[1]
    if args.dry_run:
        return _print_plan(plan_push(folder, repo_id))
    url = push_dataset(folder, repo_id, private=args.private, commit_message=args.message, progress=not args.no_progress)
    print(f"pushed {folder} to {url}")
    print(f"evaluate on it with: rbh run --tasks ... --model ... --dataset hf:{repo_id}")
    return 0


def _push_results(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry
    from rbh.results.hub import push_results
    from rbh.runner.load import load_runs
    from rbh.runner.plan import DatasetResolver
    from rbh.runner.saved_samples import prompts_for

    registry = get_registry()
    runs = load_runs([Path(p) for p in args.paths], registry)
    resolver = DatasetResolver(registry)

    def prompts(run: Any, task: str) -> Any:
        return prompts_for(task, run.results.tasks[task], run.samples[task], resolver, registry)

    outcome = push_results(
        runs, args.results, private=args.private, message=args.message, prompts=prompts, progress=not args.no_progress, dry_run=args.dry_run
    )
    if not isinstance(outcome, str):
        return _print_plan(outcome)
    print(f"pushed {len(runs)} run(s) to {outcome}")
    print(f'load them with: datasets.load_dataset("{args.results}", "results", split="latest")')
    return 0


def _print_plan(plan: Any) -> int:
    """`--dry-run`: the files, their sizes and total, the repo, the endpoint and the token's source."""
    from rbh.ui import print_rows

    print_rows(f"dry run — would upload {plan.summary()} (nothing sent)", ("file", "bytes"), [[p, f"{n:,}"] for p, n in plan.files])
    if plan.generated_card:
        print("README.md has no `configs:`: rbh would upload a card it writes for the folder")
    token = f"from {plan.token_source}" if plan.token_source else "none found (set HF_TOKEN or run `hf auth login`; the push would fail)"
    print(f"token: {token}")
    return 0
