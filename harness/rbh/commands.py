"""Commands that plugins add to the `rbh` command line (`register_commands`), so the plugin that
owns a command (`generate`, `import`, ...) registers it and core imports no plugin."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One subcommand: `add_arguments(parser)` declares its flags, `run(args)` returns the exit
    code. Keep both cheap to import: do heavy imports inside `run`."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""
