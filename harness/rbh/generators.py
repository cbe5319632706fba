"""The `Generator` interface: builds a benchmark dataset folder from its inputs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar


class Generator(ABC):
    """Base class of dataset generators (`rbh generate --generator NAME`)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @abstractmethod
    def generate(self, out_dir: Path, **options: Any) -> Path:
        """Build the dataset into `out_dir` and return it."""
