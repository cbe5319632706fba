"""`rbh push DIR ORG/NAME [--private]`: publish a dataset folder to the Hugging Face Hub."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "push",
        help="publish a dataset folder to the Hugging Face Hub",
        description="Upload a dataset folder (README.md card + parquet/JSONL per config, as written by `rbh generate` "
        "or `rbh import`) to the Hub dataset repo ORG/NAME, creating it when missing. The token comes "
        "from HF_TOKEN or the login cache (`hf auth login`); HF_ENDPOINT selects another Hub.",
    )
    p.add_argument("folder", type=Path, metavar="DIR", help="the dataset folder")
    p.add_argument("repo_id", metavar="ORG/NAME", help="the dataset repo on the Hub")
    p.add_argument("--private", action="store_true", help="create the repo private (only applies to a new repo)")
    p.add_argument("--message", default=None, help="commit message (default: 'Upload dataset with rbh VERSION')")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.data import push_dataset

    url = push_dataset(args.folder, args.repo_id, private=args.private, commit_message=args.message)
    print(f"pushed {args.folder} to {url}")
    print(f"evaluate on it with: rbh run --tasks ... --model ... --dataset hf:{args.repo_id}")
    return 0
