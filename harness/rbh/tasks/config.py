"""The task schema (docs/design.md §6), validated with pydantic; unknown keys are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rbh.data.resolution import ResolutionOptions
from rbh.errors import ConfigError

DEFAULT_GENERATION: dict[str, Any] = {"max_tokens": 2000, "temperature": 0}  # the official RecBench+ max_tokens


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskDataset(_Strict):
    """Which dataset rows a task evaluates; `name` is a registered name, `hf:ORG/NAME` or a path."""

    name: str = "rbh-default"
    config: str
    split: str = "test"


class PromptConfig(_Strict):
    """Jinja templates (paths relative to a template folder or to the task file) and extra variables."""

    system: str | None = None
    user: str
    vars: dict[str, Any] = Field(default_factory=dict)


class OutputConfig(_Strict):
    """The list format the prompt asks for, which selects the response parser."""

    format: Literal["sep", "lines", "json"] = "sep"


class SimulatorConfig(_Strict):
    """The user simulator of an interactive task: a registered name and its options."""

    name: str = "kg"
    options: dict[str, Any] = Field(default_factory=dict)


TOOLS = ("catalog_search",)  # tools rbh can give an assistant (docs/interactive.md)


NEGATIVE_STRATEGIES = ("random", "popular", "bm25", "kg")
CANDIDATE_ORDERS = ("given", "reversed", "shuffled", "positive_first", "positive_last")
CandidateOrder = Literal["given", "reversed", "shuffled", "positive_first", "positive_last"]
ProbeOrder = Literal["reversed", "shuffled", "positive_first", "positive_last"]


class CandidatesConfig(_Strict):
    """The candidate list of a `protocol: rank` task (docs/tasks.md, "Candidate ranking"): the
    sample's positives (one ground-truth item, or all) and `negatives` items drawn by `strategy`,
    seeded per sample; `order` is how the list is shown (the given order is a seeded shuffle;
    `positive_first` / `positive_last` move the positives to either end of it)."""

    negatives: int = Field(default=19, ge=1, le=500)
    strategy: Literal["random", "popular", "bm25", "kg"] = "random"
    positives: int | Literal["all"] = 1
    seed: int = 0
    order: CandidateOrder = "given"

    @field_validator("positives")
    @classmethod
    def _some_positives(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError("positives must be a number >= 1 or 'all'")
        return value


class MetricSpec(_Strict):
    """A scorer name and its options."""

    name: str
    options: dict[str, Any] = Field(default_factory=dict)


class GenerationArgs(_Strict):
    """Generation arguments, from a task's `generation:` or `--gen-kwargs`: unknown keys are errors
    (a typo such as `temprature` must not pass silently); backend-specific request fields go in
    `extra_body`, which the API backends merge into the request body."""

    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0)
    top_p: float | None = Field(default=None, gt=0, le=1)
    top_k: int | None = None
    min_p: float | None = Field(default=None, ge=0, le=1)
    min_tokens: int | None = Field(default=None, ge=0)
    seed: int | None = None
    stop: str | list[str] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    repetition_penalty: float | None = Field(default=None, gt=0)
    reasoning_effort: str | None = None
    thinking_budget: int | None = Field(default=None, ge=1)
    extra_body: dict[str, Any] | None = None


def generation_problem(gen: dict[str, Any]) -> str | None:
    """The first problem of a set of generation arguments, as one line, or None."""
    from pydantic import ValidationError

    try:
        GenerationArgs(**gen)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        hint = f" (known: {', '.join(GenerationArgs.model_fields)})" if err["type"] == "extra_forbidden" else ""
        return f"{key}: {err['msg']}{hint}"
    return None


def check_generation(gen: dict[str, Any], where: str) -> dict[str, Any]:
    """Validate generation arguments; a problem is one ConfigError line naming `where`. Returns
    `gen` unchanged (values as given, so cache keys do not shift)."""
    problem = generation_problem(gen)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    return gen


class TaskConfig(_Strict):
    """One evaluation task."""

    task: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    version: int | str = 1
    dataset: TaskDataset
    prompt: PromptConfig
    history: bool = False
    history_size: int = Field(default=10, ge=0)
    history_sweep: list[int] | None = None  # run once per history size (tasks `<task>@h<size>`), reported as a curve
    history_sweep_of: str | None = None  # set on the tasks a sweep expands into: the task swept
    k: int | None = Field(default=None, ge=1)
    generation: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_GENERATION))
    output: OutputConfig = Field(default_factory=OutputConfig)
    resolution: ResolutionOptions = Field(default_factory=ResolutionOptions)
    refusals: Literal["include", "exclude"] = "include"  # a refusal counts as an empty answer (0), or leaves the relevance means
    metrics: list[MetricSpec] = Field(default_factory=lambda: [MetricSpec(name=n) for n in ("recall", "precision", "ndcg", "ftr")])
    protocol: Literal["single", "interactive", "rank"] = "single"  # interactive: a conversation; rank: order a candidate list
    candidates: CandidatesConfig = Field(default_factory=CandidatesConfig)  # rank: how the candidate list is built and shown
    position_probe: list[ProbeOrder] | None = None  # rank: also run reversed / shuffled (`<task>@<order>`)
    position_probe_of: str | None = None  # set on the tasks a position probe expands into: the task probed
    effort_sweep: list[str] | None = None  # run once per reasoning effort (tasks `<task>@effort-<e>`), reported as a curve
    effort_sweep_of: str | None = None  # set on the tasks an effort sweep expands into: the task swept
    max_turns: int = Field(default=5, ge=1, le=50)  # interactive: assistant turns at most
    simulator: SimulatorConfig = Field(default_factory=SimulatorConfig)  # interactive: who plays the user
    tools: list[str] = Field(default_factory=list)  # interactive: tools the assistant may call
    max_tool_calls: int = Field(default=3, ge=1, le=20)  # interactive: rounds of tool calls per turn at most
    source_path: Path | None = Field(default=None, exclude=True)

    @field_validator("tools")
    @classmethod
    def _known_tools(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in TOOLS]
        if unknown:
            raise ValueError(f"unknown tool {unknown[0]!r} (known: {', '.join(TOOLS)})")
        return value

    @property
    def interactive(self) -> bool:
        return self.protocol == "interactive"

    @property
    def ranks_candidates(self) -> bool:
        """A `protocol: rank` task: the model orders a given candidate list."""
        return self.protocol == "rank"

    @field_validator("effort_sweep")
    @classmethod
    def _sweep_efforts(cls, value: list[str] | None) -> list[str] | None:
        from rbh.models.effort import sweep_problem

        problem = None if value is None else sweep_problem(value)
        if problem:
            raise ValueError(f"effort_sweep {problem}")
        return value

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_entries(cls, value: Any) -> Any:
        """Accept `- recall`, `- {name: ndcg, options: {...}}` or `- {ndcg: {...}}`."""
        if not isinstance(value, list):
            return value
        out: list[Any] = []
        for entry in value:
            if isinstance(entry, str):
                out.append({"name": entry})
            elif isinstance(entry, dict) and "name" not in entry and len(entry) == 1:
                ((name, options),) = entry.items()
                out.append({"name": name, "options": options or {}})
            else:
                out.append(entry)
        return out

    @field_validator("history_sweep")
    @classmethod
    def _sweep_sizes(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and (not value or min(value) < 0 or len(set(value)) != len(value)):
            raise ValueError("history_sweep must list distinct history sizes >= 0")
        return value

    @field_validator("generation", mode="before")
    @classmethod
    def _generation_defaults(cls, value: Any) -> Any:
        if isinstance(value, dict):
            merged = {**DEFAULT_GENERATION, **value}
            problem = generation_problem(merged)
            if problem:
                raise ValueError(problem)
            return merged
        return value

    @property
    def domain(self) -> str:
        """The domain, read from the dataset config name (`movie_explicit` -> `movie`)."""
        return self.dataset.config.split("_", 1)[0]

    def public_dict(self) -> dict[str, Any]:
        """The resolved config as recorded in results.json."""
        return self.model_dump(mode="json")


def expand_sweeps(tasks: list[TaskConfig]) -> list[TaskConfig]:
    """Sweeps and probes become tasks: `history_sweep` one history task per size (`<task>@h<size>`;
    size 0: the history prompt with no items), `effort_sweep` one task per reasoning effort
    (`<task>@effort-<e>`, the effort in its generation arguments), `position_probe` the task in
    its given order plus one task per other order (`<task>@reversed`, `<task>@positive_last`, ...)."""
    out: list[TaskConfig] = []
    for task in tasks:
        variants = [task]
        for expand in (_history_sizes, _efforts, _orders):
            variants = [v.model_copy(update=update) for v in variants for update in expand(v)]
        out.extend(variants)
    return out


def _history_sizes(task: TaskConfig) -> list[dict[str, Any]]:
    if not task.history_sweep:
        return [{}]
    return [
        {"task": f"{task.task}@h{size}", "history": True, "history_size": size, "history_sweep": None, "history_sweep_of": task.task}
        for size in task.history_sweep
    ]


def _efforts(task: TaskConfig) -> list[dict[str, Any]]:
    if not task.effort_sweep:
        return [{}]
    return [
        {
            "task": f"{task.task}@effort-{effort}",
            "generation": {**task.generation, "reasoning_effort": effort},
            "effort_sweep": None,
            "effort_sweep_of": task.task,
        }
        for effort in task.effort_sweep
    ]


def _orders(task: TaskConfig) -> list[dict[str, Any]]:
    if not task.position_probe:
        return [{}]
    if not task.ranks_candidates:
        raise ConfigError(f"task {task.task}: position_probe needs protocol: rank")
    given: dict[str, Any] = {"position_probe": None, "position_probe_of": task.task}
    return [given] + [
        {**given, "task": f"{task.task}@{order}", "candidates": task.candidates.model_copy(update={"order": order})}
        for order in dict.fromkeys(task.position_probe)
    ]
