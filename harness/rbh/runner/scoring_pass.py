"""Scoring saved responses: parse, resolve, apply the task's scorers, aggregate.

Used by `rbh run` after generation and by `rbh score` on a saved run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rbh.data.resolution import ResolutionOptions
from rbh.errors import ConfigError, UsageError
from rbh.scoring.aggregate import MetricValue
from rbh.scoring.base import Scorer, ScoringInput
from rbh.scoring.breakdowns import compute_breakdowns
from rbh.scoring.parse import ParsedTitle, parse_response

SCORING_MODES = ("rbh", "official")

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
    breakdowns: dict[str, Any] = field(default_factory=dict)  # {dimension: {group: {metric: {value, stderr, n}}}}


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
    """Score one task's completions: parse every response, resolve all titles at once (per set of
    resolution options), apply the scorers, aggregate, and break the metrics down."""
    if scoring not in SCORING_MODES:
        raise UsageError(f"unknown --scoring {scoring!r} (use rbh or official)")
    scorers = build_scorers(task, registry)
    parsed = [parse_response(c.text, task.output.format, k) for c in completions]
    default = task.resolution
    resolved_by_options = {
        opts: _resolve_all(catalog, parsed, opts) for opts in {resolution_of(s, default) for s, _ in scorers} | {default}
    }
    recorded = resolved_by_options[default]
    scored: list[ScoredSample] = []
    for n, (sample, completion) in enumerate(zip(samples, completions)):
        inputs: dict[ResolutionOptions, ScoringInput] = {}
        values: dict[str, float | None] = {}
        for scorer, _ in scorers:
            if not scorer.applies_to(sample.subtype):
                continue
            opts = resolution_of(scorer, default)
            if opts not in inputs:
                inputs[opts] = ScoringInput(
                    sample=sample,
                    response=completion.text,
                    recommended=tuple(parsed[n]),
                    resolved=tuple(resolved_by_options[opts][n]),
                    catalog=catalog,
                    kg=kg,
                    k=k,
                    scoring=scoring,
                    reasoning=completion.reasoning,
                    error=completion.error,
                )
            values[scorer.name] = scorer.score(inputs[opts])
        scored.append(ScoredSample(sample, completion, [p.to_dict() for p in parsed[n]], list(recorded[n]), values))
    metrics: dict[str, MetricValue] = {}
    for scorer, _ in scorers:
        values_of = [s.metrics[scorer.name] for s in scored if scorer.name in s.metrics]
        if values_of or any(scorer.applies_to(s.sample.subtype) for s in scored):
            metrics.update(scorer.aggregate(values_of, seed))
    breakdowns = compute_breakdowns([s.sample for s in scored], [s.metrics for s in scored], [s for s, _ in scorers], seed)
    return TaskScores(scored, metrics, {s.name: prov for s, prov in scorers}, breakdowns)


def resolution_of(scorer: Scorer, task_default: ResolutionOptions) -> ResolutionOptions:
    """The resolution options a scorer sets itself (`resolution:` in its options), else the task's."""
    if "resolution" in scorer.options.model_fields_set:
        options = getattr(scorer.options, "resolution", None)
        if isinstance(options, ResolutionOptions):
            return options
    return task_default


def _resolve_all(catalog: "Catalog", parsed: Sequence[Sequence[ParsedTitle]], options: ResolutionOptions) -> list[list[str | None]]:
    """Resolved ids per sample; every title of the task goes through one batched call."""
    flat = [(p.title, p.year) for titles in parsed for p in titles]
    ids = iter(r.item_id for r in catalog.resolve_many(flat, options))
    return [[next(ids) for _ in titles] for titles in parsed]
