"""The `Generator` interface: builds a benchmark dataset folder from its inputs
(`rbh generate --generator NAME`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


@dataclass
class ReportTable:
    """A table a generator wants shown after it ran (statistics, rejects)."""

    title: str
    columns: Sequence[str]
    rows: list[Sequence[Any]]
    keys: int = 1  # the leading columns that name a row (repeated when the table is split to fit)


@dataclass
class GenerationReport:
    """Where the dataset was written and what to show about it."""

    path: Path
    tables: list[ReportTable] = field(default_factory=list)


class Generator(ABC):
    """Base class of dataset generators. `generate` receives the `rbh generate` options as
    keyword arguments; an option it cannot use is a UsageError naming it."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @abstractmethod
    def generate(self, out_dir: Path, **options: Any) -> GenerationReport:
        """Build the dataset into `out_dir` (atomically) and report on it."""
