"""Planning a run: tasks expanded, datasets loaded, prompts rendered into requests — all before
the first request is sent, so a configuration error stops the run with nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rbh.data.dataset import BenchmarkDataset, load_dataset
from rbh.errors import DataError
from rbh.models.base import ChatRequest
from rbh.runner.cache import request_key
from rbh.tasks.prompts import PromptRenderer

if TYPE_CHECKING:
    from rbh.data.sample import Sample
    from rbh.models.base import Model
    from rbh.registry import Registry
    from rbh.tasks.config import TaskConfig


@dataclass
class TaskPlan:
    """One task, ready to run."""

    task: "TaskConfig"
    dataset_spec: str
    dataset: BenchmarkDataset
    samples: list["Sample"]
    requests: list[ChatRequest]
    k: int | None
    history: bool
    gen: dict[str, Any]


class DatasetResolver:
    """Opens each dataset once: registered names, `hf:` names and folders."""

    def __init__(self, registry: "Registry"):
        self.registry = registry
        self._open: dict[str, tuple[str, BenchmarkDataset]] = {}

    def open(self, name: str) -> tuple[str, BenchmarkDataset]:
        """(resolved spec, dataset) for a task's `dataset.name` or a `--dataset` value."""
        if name not in self._open:
            entry = self.registry.dataset(name)
            spec = entry.obj.resolve() if entry is not None else name
            self._open[name] = (spec, load_dataset(spec))
        return self._open[name]


def plan_task(
    task: "TaskConfig",
    model: "Model",
    resolver: DatasetResolver,
    registry: "Registry",
    *,
    dataset_override: str | None = None,
    limit: int | None = None,
    k: int | None = None,
    history: bool | None = None,
    gen_overrides: dict[str, Any] | None = None,
    model_identity: dict[str, Any],
) -> TaskPlan:
    """Load the task's samples and render one chat request per sample."""
    spec, dataset = resolver.open(dataset_override or task.dataset.name)
    config = task.dataset.config
    if config not in dataset.configs():
        raise DataError(f"task {task.task}: dataset {dataset.name} has no config {config!r}")
    samples = dataset.samples(config, task.dataset.split)
    check_unique_ids(task.task, samples)
    if limit is not None:
        samples = samples[:limit]
    catalog = dataset.catalog(task.domain)
    use_k = k if k is not None else task.k
    use_history = task.history if history is None else history
    gen = {**task.generation, **(gen_overrides or {})}
    renderer = PromptRenderer(task, registry.template_paths())
    requests = []
    for sample in samples:
        messages = renderer.render(sample, catalog, use_k, use_history)
        request = ChatRequest(key="", messages=messages, gen=gen, sample=sample, dataset=dataset, k=use_k)
        key = request_key({**model_identity, "gen": gen, "messages": messages, "extra": model.request_identity(request)})
        requests.append(replace(request, key=key))
    return TaskPlan(task, spec, dataset, samples, requests, use_k, use_history, gen)


def check_unique_ids(task: str, samples: Sequence["Sample"]) -> None:
    seen: set[str] = set()
    for s in samples:
        if s.id in seen:
            raise DataError(f"task {task}: duplicate sample id {s.id!r}")
        seen.add(s.id)
