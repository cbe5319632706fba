"""The task schema (DESIGN §6), validated with pydantic; unknown keys are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rbh.data.resolution import ResolutionOptions

DEFAULT_GENERATION: dict[str, Any] = {"max_tokens": 2000, "temperature": 0}  # the official RecBench+ max_tokens


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatasetRef(_Strict):
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


class MetricSpec(_Strict):
    """A scorer name and its options."""

    name: str
    options: dict[str, Any] = Field(default_factory=dict)


class TaskConfig(_Strict):
    """One evaluation task."""

    task: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    version: int | str = 1
    dataset: DatasetRef
    prompt: PromptConfig
    history: bool = False
    history_size: int = Field(default=10, ge=0)
    k: int | None = Field(default=None, ge=1)
    generation: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_GENERATION))
    output: OutputConfig = Field(default_factory=OutputConfig)
    resolution: ResolutionOptions = Field(default_factory=ResolutionOptions)
    metrics: list[MetricSpec] = Field(default_factory=lambda: [MetricSpec(name=n) for n in ("recall", "precision", "ndcg", "ftr")])
    source_path: Path | None = Field(default=None, exclude=True)

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

    @field_validator("generation", mode="before")
    @classmethod
    def _generation_defaults(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {**DEFAULT_GENERATION, **value}
        return value

    @property
    def domain(self) -> str:
        """The domain, read from the dataset config name (`movie_explicit` -> `movie`)."""
        return self.dataset.config.split("_", 1)[0]

    def public_dict(self) -> dict[str, Any]:
        """The resolved config as recorded in results.json."""
        return self.model_dump(mode="json")
