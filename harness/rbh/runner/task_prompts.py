"""A task's samples and their rendered prompts, exactly as `rbh run` builds them: the one code
path behind evaluation (`plan.plan_task`) and training-data export (`render_task_prompts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rbh.errors import DataError
from rbh.ranking.candidates import ranking_samples
from rbh.runner.selection import Selection
from rbh.tasks.prompts import PromptRenderer

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.dataset import BenchmarkDataset
    from rbh.data.kg import KG
    from rbh.data.sample import Sample
    from rbh.models.base import Message
    from rbh.registry import Registry
    from rbh.runner.plan import DatasetResolver
    from rbh.tasks.config import TaskConfig


@dataclass
class TaskPrompts:
    """One task's samples of one split, the chat messages rendered for each, and what scoring
    them needs (k, history, output format, catalog, KG)."""

    task: "TaskConfig"
    dataset_spec: str
    dataset: "BenchmarkDataset"
    split: str
    samples: list["Sample"]
    messages: list[tuple["Message", ...]]
    k: int | None
    history: bool

    @property
    def output_format(self) -> str:
        """How the task asks for its list: 'sep' or 'json'."""
        return self.task.output.format

    @property
    def catalog(self) -> "Catalog":
        return self.dataset.catalog(self.task.domain)

    @property
    def kg(self) -> "KG":
        return self.dataset.kg(self.task.domain)


def task_prompts(
    task: "TaskConfig",
    resolver: "DatasetResolver",
    registry: "Registry",
    *,
    dataset: str | None = None,
    split: str | None = None,
    selection: Selection | None = None,
    k: int | None = None,
    history: bool | None = None,
) -> TaskPrompts:
    """Load the task's samples (its dataset and split unless overridden) and render every prompt."""
    from rbh.runner.plan import check_unique_ids

    spec, opened = resolver.open(dataset or task.dataset.name)
    config = task.dataset.config
    if config not in opened.configs():
        raise DataError(f"task {task.task}: dataset {opened.name} has no config {config!r}")
    use_split = split or task.dataset.split
    if use_split not in opened.source.splits(config):
        have = ", ".join(opened.source.splits(config)) or "none"
        raise DataError(f"task {task.task}: dataset {opened.name}, config {config!r} has no split {use_split!r} (it has: {have})")
    samples = opened.samples(config, use_split)
    check_unique_ids(task.task, samples)
    samples = list(ranking_samples(task, (selection or Selection()).apply(task.task, samples), opened))
    catalog = opened.catalog(task.domain)
    use_k = k if k is not None else task.k
    use_history = task.history if history is None else history
    renderer = PromptRenderer(task, registry.template_paths())
    messages = [renderer.render(sample, catalog, use_k, use_history) for sample in samples]
    return TaskPrompts(task, spec, opened, use_split, samples, messages, use_k, use_history)


def render_task_prompts(
    tasks: str,
    *,
    dataset: str | None = None,
    split: str | None = None,
    limit: float | None = None,
    k: int | None = None,
    history: bool | None = None,
    registry: "Registry | None" = None,
) -> list[TaskPrompts]:
    """The prompts of every task `tasks` selects (names, groups, tags, globs — as `rbh run
    --tasks`), rendered with the same templates, datasets and checks as evaluation. `split`
    overrides the tasks' own split (e.g. `train` for fine-tuning data), `dataset` their dataset."""
    from rbh.registry import get_registry
    from rbh.runner.plan import DatasetResolver
    from rbh.tasks.index import load_task_index

    registry = registry or get_registry()
    index = load_task_index(registry.task_folders())
    resolver = DatasetResolver(registry)
    selection = Selection(limit=limit)
    return [
        task_prompts(t, resolver, registry, dataset=dataset, split=split, selection=selection, k=k, history=history)
        for t in index.select(tasks)
    ]
