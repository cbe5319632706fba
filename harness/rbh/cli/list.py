"""`rbh list tasks|groups|tags|models|scorers|scoring_sets|generators|datasets|commands`."""

from __future__ import annotations

import argparse

KINDS = ("tasks", "groups", "tags", "models", "scorers", "scoring_sets", "generators", "datasets", "commands")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("list", help="list tasks, groups, tags, models, scorers, scoring sets, generators, datasets or plugin commands")
    p.add_argument("kind", choices=KINDS)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from rbh.registry import get_registry
    from rbh.ui import print_rows

    registry = get_registry()
    if args.kind in ("tasks", "groups", "tags"):
        from rbh.tasks.index import load_task_index

        index = load_task_index(registry.task_folders())
        if args.kind == "tasks":
            print_rows(
                "tasks",
                ("task", "tags", "description"),
                ((t.name, ", ".join(t.tags), t.description) for t in sorted(index.tasks.values(), key=lambda t: t.name)),
            )
        elif args.kind == "groups":
            print_rows(
                "groups",
                ("group", "members", "description"),
                ((g.name, ", ".join(g.members), g.description) for g in sorted(index.groups.values(), key=lambda g: g.name)),
            )
        else:
            print_rows("tags", ("tag", "tasks"), ((tag, ", ".join(sorted(names))) for tag, names in sorted(index.tags().items())))
        return 0
    table = registry.tables()[args.kind]
    extra_column = {"models": "aliases", "scoring_sets": "replaces"}.get(args.kind)
    rows = []
    for name, entry in sorted(table.items()):
        if name != entry.name:  # an alias row would repeat its entry
            continue
        obj = entry.obj
        row = [name, getattr(obj, "description", "") or getattr(obj, "help", "")]
        if args.kind == "models":
            row.append(", ".join([*entry.aliases, *(f"{entry.name}:{a}" for a in getattr(obj, "aliases", {}))]))
        elif args.kind == "scoring_sets":
            row.append(", ".join(f"{metric} → {scorer}" for metric, scorer in obj.scorers.items()))
        rows.append((*row, f"{entry.plugin} ({entry.distribution} {entry.version})"))
    columns = ("name", "description", *([extra_column] if extra_column else []), "plugin")
    print_rows(args.kind.replace("_", " "), columns, rows)
    return 0
