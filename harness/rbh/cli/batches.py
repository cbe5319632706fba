"""`rbh batches [list|cancel ID]`: the provider batches recorded in the response cache."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbh.completion.batch_store import BatchStore


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "batches",
        help="show or cancel provider batches of `rbh run --batch`",
        description="List the provider batches recorded in the response cache (in flight unless --all), or cancel one. "
        "Re-running the `rbh run --batch` command collects what a batch completed.",
    )
    p.add_argument("action", nargs="?", choices=("list", "cancel"), default="list")
    p.add_argument("batch_id", nargs="?", default=None, help="the batch to cancel")
    p.add_argument("--all", action="store_true", help="list: also batches whose results were collected")
    p.add_argument("--cache", type=Path, default=None, help="response cache file (default: the user cache dir)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.completion.batch_store import BatchStore
    from rbh.completion.cache import default_cache_path
    from rbh.errors import UsageError

    path = args.cache or default_cache_path()
    if args.action == "cancel" and not args.batch_id:
        raise UsageError("rbh batches cancel needs a batch id (see `rbh batches list`)")
    if args.action == "list" and args.batch_id:
        raise UsageError("rbh batches list takes no batch id")
    if not path.is_file():
        if args.action == "cancel":
            raise UsageError(f"no batch {args.batch_id!r} is recorded in {path}")
        print(f"no batches recorded in {path}")
        return 0
    store = BatchStore(path)
    try:
        if args.action == "list":
            return _list(store, args.all, path)
        return _cancel(store, args.batch_id)
    finally:
        store.close()


def _list(store: "BatchStore", include_done: bool, path: Path) -> int:
    from rbh.ui import print_rows

    records = store.list(include_done=include_done)
    if not records:
        print(f"no batches in flight in {path}" if not include_done else f"no batches recorded in {path}")
        return 0
    now = time.time()
    rows = [
        (
            r.id,
            f"{r.backend}:{r.model}" if r.model else r.backend,
            r.requests,
            r.state + (" (collected)" if r.done else ""),
            f"{r.completed}/{r.failed}",
            _age(now - r.created),
        )
        for r in records
    ]
    print_rows("provider batches", ("batch", "model", "requests", "state", "ok/failed", "submitted"), rows)
    return 0


def _cancel(store: "BatchStore", batch_id: str) -> int:
    from rbh.completion import CompletionService
    from rbh.errors import UsageError
    from rbh.models.spec import ModelSpec
    from rbh.secrets import REDACTED

    record = store.get(batch_id)
    if record is None:
        raise UsageError(f"no batch {batch_id!r} is recorded in {store.path} (see `rbh batches list --all`)")
    if record.done:
        raise UsageError(f"batch {batch_id} already ended and its results were collected")
    identity = record.identity
    args = {k: v for k, v in (identity.get("args") or {}).items() if v != REDACTED}
    client = {k: v for k, v in (identity.get("client") or {}).items() if v is not None}
    spec = ModelSpec(str(identity.get("backend")), identity.get("model"), {**args, **client, "batch": True})
    with CompletionService.open(spec, use_cache=False) as service:
        api = service.model.batch_api()
        try:
            status = api.cancel(batch_id)
        except Exception as exc:  # noqa: BLE001 — the provider's refusal, as one line
            raise UsageError(
                service.scrub(f"could not cancel {batch_id}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
            ) from None
        finally:
            api.close()
    store.update(batch_id, status.state, status.completed, status.failed)
    print(f"batch {batch_id}: {status.state}; re-run the `rbh run --batch` command to collect what it completed and send the rest")
    return 0


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m ago"
    return f"{seconds / 3600:.1f}h ago"
