"""Scoring a run's tasks and assembling its results: the one path `rbh run` (answers just
received), `rbh score` (saved answers, maybe another scoring set) and `rbh merge` (the answers of
every shard) share, so the three cannot drift apart. A task is a `ScoringJob`; each scored task
goes into a `RunAssembly`, which gives the run-level fields: groups, the overall row and the
paired robustness drops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rbh.errors import UsageError
from rbh.ranking.candidates import ranking_samples
from rbh.results.model import DatasetRef, SampleRow, TaskResult
from rbh.scoring.paired import PairedValues, PositionValues
from rbh.scoring.task_scoring import BuiltScorer, TaskScores, TaskScoring, score_task

if TYPE_CHECKING:
    from rbh.data.dataset import BenchmarkDataset
    from rbh.data.sample import Sample
    from rbh.interactive.conversation import Conversation
    from rbh.models.base import Completion
    from rbh.runner.plan import DatasetResolver
    from rbh.tasks.config import TaskConfig
    from rbh.tasks.index import TaskIndex


@dataclass
class ScoringJob:
    """One task to score: its samples and completions in the same order (with `repeats` > 1,
    each sample's repeats in a row), the dataset they come from, and how to score them."""

    task: "TaskConfig"
    samples: Sequence["Sample"]
    completions: Sequence["Completion"]
    dataset: "BenchmarkDataset"
    scorers: Sequence[BuiltScorer]
    k: int | None
    repeats: int = 1
    conversations: Sequence["Conversation"] | None = None  # interactive tasks: one per completion

    def score(self, seed: int) -> TaskScores:
        """Parse, resolve, score and aggregate (`score_task`); item popularity is counted over
        the task's whole dataset config and split."""
        task = self.task
        return score_task(
            task,
            ranking_samples(task, self.samples, self.dataset),
            self.completions,
            self.dataset.catalog(task.domain),
            self.dataset.kg(task.domain),
            self.scorers,
            k=self.k,
            seed=seed,
            repeats=self.repeats,
            population=self.dataset.samples(task.dataset.config, task.dataset.split),
            conversations=self.conversations,
        )


def streaming_scoring(task: "TaskConfig", dataset: "BenchmarkDataset", scorers: Sequence[BuiltScorer], k: int | None) -> TaskScoring:
    """A task scored completion by completion as they arrive (`rbh run`'s single-turn tasks);
    the same results as `ScoringJob.score`."""
    return TaskScoring(
        task,
        dataset.catalog(task.domain),
        dataset.kg(task.domain),
        scorers,
        k=k,
        population=dataset.samples(task.dataset.config, task.dataset.split),
    )


class RunAssembly:
    """The scored tasks of one run, gathered one at a time (their scores are let go once added:
    only what the run-level rows need is kept)."""

    def __init__(self, seed: int):
        self.seed = seed
        self.tasks: dict[str, TaskResult] = {}
        self._paired = PairedValues()
        self._positions = PositionValues()

    def add(self, name: str, result: TaskResult, scores: TaskScores) -> None:
        self.tasks[name] = result
        self._paired.add(scores)
        self._positions.add(result.config, scores)

    def fields(self, index: "TaskIndex") -> dict[str, Any]:
        """`tasks`, `groups`, `overall`, `robustness` and `position_bias` of the run's results (a
        model_copy update, so no row is left over from results they replace)."""
        from rbh.runner.groups import run_groups

        groups, overall = run_groups(self.tasks, index)
        return {
            "tasks": self.tasks,
            "groups": groups,
            "overall": overall,
            "robustness": self._paired.drops(self.seed),
            "position_bias": self._positions.shifts(self.seed),
        }


def saved_task_dataset(
    name: str, result: TaskResult, rows: Sequence[SampleRow], resolver: "DatasetResolver", override: str | None = None
) -> tuple["BenchmarkDataset", DatasetRef]:
    """The dataset to score a saved task against, and the reference to record. By default the one
    it ran on, which must not have changed since (its fingerprint; slim rows are found by it):
    the catalog and KG decide every metric. `override` (`rbh score --dataset`) scores against
    another dataset on purpose, recorded as such."""
    from rbh.runner.saved_samples import open_recorded_dataset

    recorded = result.dataset
    if override is not None:
        spec, dataset = resolver.open(override)
        ref = DatasetRef(spec=spec, name=dataset.name, config=recorded.config, split=recorded.split, fingerprint=dataset.fingerprint)
        return dataset, ref
    if any(r.sample is None for r in rows):
        return open_recorded_dataset(name, result, resolver), recorded
    _, dataset = resolver.open(recorded.spec)
    if dataset.fingerprint != recorded.fingerprint:
        raise UsageError(
            f"task {name}: dataset {recorded.spec} has changed since the run (fingerprint {dataset.fingerprint}, was "
            f"{recorded.fingerprint}); `rbh score RUN --dataset {recorded.spec}` scores a run against it as it is now"
        )
    return dataset, recorded
