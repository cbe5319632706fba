"""Curated knowledge graphs, simulated users, the `kg` benchmark generator and the user
simulators of interactive tasks."""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_generators(register: Callable[..., None]) -> None:
    from rbh_kg.generator import KGGenerator

    register(KGGenerator)


@hookimpl
def register_datasets(register: Callable[..., None]) -> None:
    from rbh import DatasetEntry
    from rbh_kg.generator.default_dataset import DESCRIPTION, NAME, default_dataset_path

    register(DatasetEntry(NAME, default_dataset_path, DESCRIPTION))


@hookimpl
def register_commands(register: Callable[..., None]) -> None:
    from rbh_kg.commands import GENERATE

    register(GENERATE)


@hookimpl
def register_simulators(register: Callable[..., None]) -> None:
    from rbh_kg.simulator.kg import KGSimulator
    from rbh_kg.simulator.llm import LLMSimulator

    register(KGSimulator)
    register(LLMSimulator)


@hookimpl
def register_domains(register: Callable[..., None]) -> None:
    from pathlib import Path

    from rbh import DomainProfile

    for name in ("movie", "book"):
        register(DomainProfile.from_yaml(Path(__file__).with_name("domains") / f"{name}.yaml"))
