"""Scoring sets (`--scoring NAME`): a named substitution of scorers that a plugin registers, e.g.
the recbench plugin's `official` set, which computes `recall`, `precision`, ... the way the
released RecBench+ evaluator does. Core never branches on a set's name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScoringSet:
    """`scorers` maps a task's metric name to the registered scorer that computes it in this set;
    metrics it does not name keep their own scorer. Results report the task's metric names."""

    name: str
    description: str = ""
    scorers: Mapping[str, str] = field(default_factory=dict)

    def scorer_for(self, metric: str) -> str:
        return self.scorers.get(metric, metric)


DEFAULT_SCORING = ScoringSet("rbh", "the task's metrics as declared (rbh definitions, docs/design.md §8.3)")
