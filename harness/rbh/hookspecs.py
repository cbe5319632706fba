"""Hook specifications of rbh (docs/design.md §4).

Registration hooks receive a typed `register` callback; plugins register classes (factories),
not instances, so nothing heavy is imported until a component is used. Lifecycle hooks receive
one frozen payload (`rbh.events`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    from rbh.commands import Command
    from rbh.domains import DomainProfile
    from rbh.events import RunEnd, RunStart, SampleEnd
    from rbh.generators import Generator
    from rbh.interactive.simulator import Simulator
    from rbh.registry import DatasetEntry
    from rbh.scoring.base import Scorer
    from rbh.scoring.sets import ScoringSet

hookspec = pluggy.HookspecMarker("rbh")
hookimpl = pluggy.HookimplMarker("rbh")


@hookspec
def register_models(register: "Callable[..., None]") -> None:
    """Register model backends: `register(ModelClass, aliases=("short",))`."""


@hookspec
def register_scorers(register: "Callable[[type[Scorer]], None]") -> None:
    """Register scorers (metrics): `register(ScorerClass)`."""


@hookspec
def register_generators(register: "Callable[[type[Generator]], None]") -> None:
    """Register dataset generators: `register(GeneratorClass)`."""


@hookspec
def register_simulators(register: "Callable[[type[Simulator]], None]") -> None:
    """Register user simulators for interactive tasks: `register(SimulatorClass)`."""


@hookspec
def register_scoring_sets(register: "Callable[[ScoringSet], None]") -> None:
    """Register scoring sets for `--scoring NAME`: `register(ScoringSet(name, description, {metric: scorer}))`."""


@hookspec
def register_commands(register: "Callable[[Command], None]") -> None:
    """Register subcommands of `rbh`: `register(Command(name, help, add_arguments, run))`."""


@hookspec
def register_datasets(register: "Callable[[DatasetEntry], None]") -> None:
    """Register named datasets: `register(DatasetEntry(name, resolve, description))`."""


@hookspec
def register_domains(register: "Callable[[DomainProfile], None]") -> None:
    """Register domain profiles (what the generator, phrasing and prompts need of a domain):
    `register(DomainProfile.from_yaml(path))`."""


@hookspec
def register_task_paths(register: "Callable[[Path], None]") -> None:
    """Register folders of task YAML files: `register(Path(...))`."""


@hookspec
def register_template_paths(register: "Callable[[Path], None]") -> None:
    """Register folders of Jinja templates (searched after rbh's own): `register(Path(...))`."""


@hookspec
def on_run_start(run: "RunStart") -> None:
    """Called once before the first request of a run."""


@hookspec
def on_sample_end(sample: "SampleEnd") -> None:
    """Called after each sample is scored."""


@hookspec
def on_run_end(run: "RunEnd") -> None:
    """Called once after results are written."""
