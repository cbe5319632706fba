"""Scoring saved responses: parse, resolve, apply the task's scorers, aggregate.

Used by `rbh run` after generation and by `rbh score` on a saved run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from rbh.errors import ConfigError, UsageError
from rbh.scoring.aggregate import MetricValue
from rbh.scoring.base import Scorer, ScoringInput
from rbh.scoring.parse import parse_response

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG
    from rbh.data.sample import Sample
    from rbh.models.base import Completion
    from rbh.registry import Registry
    from rbh.tasks.config import TaskConfig


@dataclass
class ScoredSample:
    """One sample with its response, parsed titles, resolved ids and metric values."""

    sample: "Sample"
    completion: "Completion"
    parsed: list[dict[str, Any]]
    resolved: list[str | None]
    metrics: dict[str, float | None]


@dataclass
class TaskScores:
    """Per-sample and aggregated results of one task."""

    samples: list[ScoredSample]
    metrics: dict[str, MetricValue]
    scorer_provenance: dict[str, dict[str, str]] = field(default_factory=dict)


def build_scorers(task: "TaskConfig", registry: "Registry") -> list[tuple[Scorer, dict[str, str]]]:
    """Instantiate the task's scorers with their YAML options."""
    scorers = []
    for spec in task.metrics:
        entry = registry.scorer(spec.name)
        try:
            scorers.append((entry.obj(**spec.options), entry.provenance))
        except Exception as exc:  # pydantic ValidationError or a scorer's own check
            first = str(exc).splitlines()
            raise ConfigError(f"task {task.task}: metric {spec.name}: bad options: {first[0] if first else exc}") from None
    return scorers


def score_task(
    task: "TaskConfig",
    samples: Sequence["Sample"],
    completions: Sequence["Completion"],
    catalog: "Catalog",
    kg: "KG",
    registry: "Registry",
    *,
    k: int | None,
    scoring: str = "rbh",
    seed: int = 0,
) -> TaskScores:
    """Score one task's completions."""
    if scoring not in ("rbh", "official"):
        raise UsageError(f"unknown --scoring {scoring!r} (use rbh or official)")
    scorers = build_scorers(task, registry)
    scored: list[ScoredSample] = []
    for sample, completion in zip(samples, completions):
        parsed = parse_response(completion.text, task.output.format, k)
        resolved = [catalog.resolve(p.title, p.year).item_id for p in parsed]
        x = ScoringInput(
            sample=sample,
            response=completion.text,
            recommended=tuple(parsed),
            resolved=tuple(resolved),
            catalog=catalog,
            kg=kg,
            k=k,
            scoring=scoring,
            reasoning=completion.reasoning,
            error=completion.error,
        )
        values = {s.name: s.score(x) for s, _ in scorers if s.applies_to(sample.subtype)}
        scored.append(ScoredSample(sample, completion, [p.to_dict() for p in parsed], resolved, values))
    metrics: dict[str, MetricValue] = {}
    for scorer, _ in scorers:
        values = [s.metrics[scorer.name] for s in scored if scorer.name in s.metrics]
        if values or any(scorer.applies_to(s.sample.subtype) for s in scored):
            metrics.update(scorer.aggregate(values, seed))
    return TaskScores(scored, metrics, {s.name: prov for s, prov in scorers})
