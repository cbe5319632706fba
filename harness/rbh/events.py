"""Frozen payloads passed to the lifecycle hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RunStart:
    """A run is about to send its first request."""

    model: str
    tasks: tuple[str, ...]
    output_dir: Path


@dataclass(frozen=True)
class SampleEnd:
    """One sample is scored."""

    task: str
    sample_id: str
    response: str
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class RunEnd:
    """Results are written."""

    output_dir: Path
    results: Mapping[str, Any]
