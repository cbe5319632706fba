"""`rbh list KIND [--json]`: tasks, groups, tags, models, metrics, scorers, scoring sets,
generators, datasets, user simulators or the commands plugins add."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbh.registry import Registered, Registry

KINDS = (
    "tasks", "groups", "tags", "models", "metrics", "scorers", "scoring_sets", "generators", "datasets", "simulators", "domains", "commands",
)  # fmt: skip
DIRECTION = {True: "↑ higher", False: "↓ lower", None: "neither"}


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "list",
        help="list tasks, groups, tags, models, metrics, scorers, scoring sets, generators, datasets, simulators or plugin commands",
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--json", action="store_true", help="print a JSON list of objects instead of a table")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry

    columns, rows = listing(args.kind, get_registry())
    if args.json:
        import json

        print(json.dumps([dict(zip(columns, row)) for row in rows], indent=2, ensure_ascii=False))
    else:
        from rbh.ui import print_rows

        cells = [[", ".join(cell) if isinstance(cell, list) else cell for cell in row] for row in rows]
        print_rows(args.kind.replace("_", " "), columns, cells)
    return 0


def listing(kind: str, registry: "Registry") -> tuple[Sequence[str], list[list[Any]]]:
    """The columns and rows of one kind; a cell holding several names is a list (a JSON list with
    `--json`, joined by commas in the table)."""
    if kind in ("tasks", "groups", "tags"):
        from rbh.tasks.index import load_task_index

        index = load_task_index(registry.task_folders())
        if kind == "tasks":
            return ("task", "tags", "description"), [
                [t.name, list(t.tags), t.description] for t in sorted(index.tasks.values(), key=lambda t: t.name)
            ]
        if kind == "groups":
            return ("group", "members", "description"), [
                [g.name, list(g.members), g.description] for g in sorted(index.groups.values(), key=lambda g: g.name)
            ]
        return ("tag", "tasks"), [[tag, sorted(names)] for tag, names in sorted(index.tags().items())]
    if kind == "metrics":
        return ("metric", "direction", "meaning", "plugin"), [
            [name, DIRECTION[entry.obj.higher_is_better], entry.obj.description, plugin_label(entry)]
            for name, entry in sorted(registry.scorers().items())
            if name == entry.name
        ]
    table = getattr(registry, kind)()  # collect only the kind asked for
    extra_column = {"models": "aliases", "scoring_sets": "replaces"}.get(kind)
    rows = []
    for name, entry in sorted(table.items()):
        if name != entry.name:  # an alias row would repeat its entry
            continue
        obj = entry.obj
        row = [name, getattr(obj, "description", "") or getattr(obj, "help", "")]
        if kind == "models":
            row.append([*entry.aliases, *(f"{entry.name}:{a}" for a in getattr(obj, "aliases", {}))])
        elif kind == "scoring_sets":
            row.append([f"{metric} → {scorer}" for metric, scorer in obj.scorers.items()])
        rows.append([*row, plugin_label(entry)])
    return ("name", "description", *([extra_column] if extra_column else []), "plugin"), rows


def plugin_label(entry: "Registered[Any]") -> str:
    """'recbench' for rbh's own plugins; 'example (rbh-example 0.3.0)' for others'."""
    if entry.distribution in ("recbench-harness", "unknown"):
        return entry.plugin
    return f"{entry.plugin} ({entry.distribution} {entry.version})"
