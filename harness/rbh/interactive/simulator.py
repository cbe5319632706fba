"""The user-simulator interface (docs/interactive.md, docs/plugins.md `register_simulators`).

A simulator opens every conversation of a task (its plan and opening message) and answers each
batch of assistant turns. It works on whole batches so that one played by a model sends one batch
of requests per turn, like the assistant. Options come from the task YAML (`simulator: {name: kg,
options: {...}}`), validated by the nested `Options` model before anything runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG
    from rbh.data.resolution import ResolutionOptions
    from rbh.data.sample import Sample
    from rbh.interactive.conversation import Conversation, Turn
    from rbh.registry import Registry


@dataclass(frozen=True)
class SimulatorContext:
    """What a simulator may use: the task's catalog and KG, how the task's answers are parsed and
    resolved, the seed, the turn limit, and (for simulators played by a model) the registry and
    the response cache of the run."""

    catalog: "Catalog"
    kg: "KG"
    domain: str
    output_format: str
    resolution: "ResolutionOptions"
    seed: int
    max_turns: int
    registry: "Registry | None" = None
    cache_path: Path | None = None
    use_cache: bool = True


class Simulator(ABC):
    """Base class of user simulators. Set `name`; task options arrive as keyword arguments,
    validated by `Options`. `start` plans and opens conversations; `respond` answers a batch of
    assistant messages, one `Turn` each (its `user` is None when the conversation ends there)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

    def __init__(self, context: SimulatorContext, **options: Any):
        self.context = context
        self.options = self.Options(**options)

    @abstractmethod
    def start(self, samples: Sequence["Sample"]) -> list["Conversation"]:
        """One conversation per sample: its plan and opening message (the repeats of a sample
        start from the same one)."""

    @abstractmethod
    def respond(self, items: Sequence[tuple["Sample", "Conversation", str]], turn: int) -> list["Turn"]:
        """The record of turn `turn` (1-based) for each (sample, conversation so far, assistant
        message): what the user answers, what that reveals, whether a recommendation is accepted."""

    def close(self) -> None:
        """Release what the simulator holds (a model's completion service)."""
