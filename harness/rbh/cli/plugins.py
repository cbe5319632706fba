"""`rbh plugins`: every plugin entry point, its distribution, status and what it registered."""

from __future__ import annotations

import argparse


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("plugins", help="show installed plugins and what they register")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry
    from rbh.ui import print_rows

    registry = get_registry()
    provided: dict[str, list[str]] = {}
    for kinds, table in registry.tables().items():
        kind = kinds.removesuffix("s")
        for name, entry in sorted(table.items()):
            if name == entry.name:
                provided.setdefault(entry.plugin, []).append(f"{kind}:{name}")
    rows = [
        (p.name, p.distribution, p.version, p.status if not p.error else f"{p.status}: {p.error}", ", ".join(provided.get(p.name, [])))
        for p in registry.plugins()
    ]
    print_rows("rbh plugins", ("plugin", "distribution", "version", "status", "provides"), rows)
    return 0
