"""Curated knowledge graphs, simulated users and the `kg` benchmark generator."""

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
