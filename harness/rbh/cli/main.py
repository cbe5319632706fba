"""Entry point of the `rbh` console script.

Only argparse is imported up front; each command imports what it needs when it runs, so
`rbh --help` and `rbh list` stay fast.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any

from rbh.version import __version__

COMMANDS = ("run", "score", "merge", "show", "compare", "view", "batches", "list", "plugins", "push")  # core; plugins add theirs


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _Parser(prog="rbh", description="rbh — the RecBench+ evaluation harness.")
    parser.add_argument("--version", action="version", version=f"rbh {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"rbh.cli.{name}").add_parser(sub)
    add_plugin_commands(sub)
    return parser


def add_plugin_commands(sub: "argparse._SubParsersAction[Any]") -> None:
    """Subcommands registered by plugins; a name core already uses is one warning naming the
    plugin, and that command is skipped (the others, `--help` included, keep working)."""
    from rbh.plugins import warn
    from rbh.registry import get_registry

    for name, entry in sorted(get_registry().commands().items()):
        if name in sub.choices:
            warn(f"plugin {entry.plugin!r} registers the command {name!r}, which rbh itself has; the plugin's is skipped")
            continue
        command = entry.obj
        p = sub.add_parser(name, help=command.help, description=command.description or command.help)
        try:
            command.add_arguments(p)
        except Exception as exc:  # noqa: BLE001 — one broken command must not break the others
            warn(
                f"plugin {entry.plugin!r}: command {name!r} could not declare its arguments ({type(exc).__name__}: {exc}); it is unavailable"
            )
            sub.choices.pop(name, None)
            continue
        p.set_defaults(handler=command.run)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors rbh raises on purpose become one line and their exit code."""
    from rbh.errors import RbhError

    # pyarrow's default allocator (mimalloc) keeps the freed buffers of every parquet read: about
    # 50 MB more peak memory on a recbench run than the system allocator, at the same speed
    # (docs/performance.md). Set before pyarrow is first imported; a user's own setting wins.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    # numpy's BLAS threads spin while they wait: on the bootstrap's small matrix products they
    # burn a second core for nothing (1.6 s of CPU on a 17k-sample run, wall time no better).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # A run builds hundreds of thousands of small objects that live to its end (samples, prompts,
    # scores); the cyclic collector's default thresholds rescan them over and over, about 0.3 s of
    # a 2 s recbench run. Collect young objects 70 times less often (docs/performance.md).
    gc.set_threshold(50_000, 20, 20)
    try:
        parser = build_parser()
    except RbhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except RbhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: completed responses are cached; run the same command again to resume", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("RBH_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc} (set RBH_DEBUG=1 for a traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
