"""The scorer interfaces: `Scorer` (one value per sample, then aggregated) and `TaskScorer` (one
value for the whole task, computed over every answered sample: coverage, Gini, ...)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from rbh.scoring.bootstrap import MetricValue, mean_with_stderr

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG
    from rbh.data.sample import Sample
    from rbh.interactive.conversation import Conversation
    from rbh.scoring.context import TaskContext
    from rbh.scoring.parse import ParsedTitle


Breakdown = dict[str, dict[str, dict[str, MetricValue]]]  # {dimension: {group: {metric: value}}}


@dataclass(frozen=True)
class ScoringInput:
    """Everything a scorer may look at for one sample."""

    sample: "Sample"
    response: str
    recommended: tuple["ParsedTitle", ...]  # parsed, deduplicated, cut to k
    resolved: tuple[str | None, ...]  # catalog id per recommended title (None = unresolved)
    catalog: "Catalog"
    kg: "KG"
    k: int | None = None
    reasoning: str | None = None
    error: str | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # per-sample scratch shared by scorers
    context: "TaskContext | None" = field(default=None, compare=False, repr=False)  # what the task's samples share
    output_format: str = "sep"  # the task's `output.format` (to parse the response again)
    all_titles: tuple["ParsedTitle", ...] | None = None  # every parsed title before deduplication and the cut to k
    conversation: "Conversation | None" = None  # interactive tasks: the conversation the response ended
    refused: str | None = None  # a refusal ("finish_reason" or "text", rbh.scoring.refusals), else None

    @property
    def hits(self) -> set[str]:
        """Ground-truth ids among the resolved recommendations."""
        truth = set(self.sample.ground_truth)
        return {i for i in self.resolved if i is not None and i in truth}


class Scorer(ABC):
    """Base class of scorers. Set `name`; options come from the task YAML (`Options` model).

    `metric` is the name its values are reported under: its own name, or the task metric it
    computes inside a scoring set (the `official` set's `official_recall` reports `recall`).
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    subtypes: ClassVar[tuple[str, ...] | None] = None  # None = every subtype
    uses_resolution: ClassVar[bool] = True  # False: the scorer reads the raw response only
    higher_is_better: ClassVar[bool | None] = True  # the metric's direction (None: neither)
    breakdown: ClassVar[bool] = True  # False: left out of the breakdowns (one task-wide number is enough)
    counts_refusals: ClassVar[bool] = False  # True: still scored on refusals a task excludes (`refusals: exclude`)
    table_section: ClassVar[str | None] = None  # None: in the console table; else shown with `--show-metrics GROUP`

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

    def __init__(self, *, metric: str | None = None, **options: Any):
        """`options` are the task YAML's; `metric` the name the task gives the metric (default:
        the scorer's name; a scoring set may substitute a scorer under the task's name)."""
        self.options = self.Options(**options)
        self.metric: str = metric or self.name

    def applies_to(self, subtype: str) -> bool:
        return self.subtypes is None or subtype in self.subtypes

    @abstractmethod
    def score(self, x: ScoringInput) -> float | None:
        """The per-sample value; None when the metric is undefined for this sample."""

    def aggregate(self, values: Sequence[float | None], seed: int = 0) -> dict[str, MetricValue]:
        """Aggregate per-sample values into named metrics (default: mean ± bootstrap stderr)."""
        return {self.metric: mean_with_stderr(values, seed)}

    def details(self, x: ScoringInput) -> Mapping[str, Any] | None:
        """Per-sample facts for the sample row's `details` (not metrics; default: none)."""
        return None

    def task_breakdowns(self, inputs: Sequence[ScoringInput], seed: int = 0) -> Breakdown:
        """Breakdowns only the whole task can give (merged into the task's; default: none)."""
        return {}

    def adds_details(self) -> bool:
        """Whether this scorer defines `details` (rows then carry them)."""
        return type(self).details is not Scorer.details

    def adds_task_breakdowns(self) -> bool:
        """Whether this scorer defines `task_breakdowns`."""
        return type(self).task_breakdowns is not Scorer.task_breakdowns


def sample_index(inputs: Sequence[ScoringInput]) -> tuple[list[int], int]:
    """For each input, the index of its sample among the distinct samples (the repeats of one
    sample share an index), and how many distinct samples there are: a task-level bootstrap
    resamples samples and carries each one's repeats along."""
    index: dict[str, int] = {}
    number = index.setdefault
    return [number(x.sample.id, len(index)) for x in inputs], len(index)


class TaskScorer(Scorer):
    """A metric of the whole task, computed once over every answered sample it applies to (each
    repeat counts; a standard error resamples samples, see `sample_index`): catalog coverage,
    Gini or entropy of exposure. Sample rows carry no value."""

    def score(self, x: ScoringInput) -> float | None:
        return None

    @abstractmethod
    def score_task(self, inputs: Sequence[ScoringInput], seed: int = 0) -> dict[str, MetricValue]:
        """The task's metrics (with a bootstrap stderr over samples where it is meaningful)."""
