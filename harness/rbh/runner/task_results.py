"""Assembling the typed results of one task — the one place a `TaskResult` and its sample rows
are built, for `rbh run` and `rbh score` alike."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rbh.results.model import (
    CandidateLists,
    CostResult,
    DatasetRef,
    MetricResult,
    SampleError,
    SampleRefusal,
    SampleRow,
    TaskCounts,
    TaskResult,
    TokenCounts,
    prompt_hash,
)

if TYPE_CHECKING:
    from rbh.completion import CompletionCounts
    from rbh.models.base import ChatRequest
    from rbh.runner.plan import TaskPlan
    from rbh.scoring.task_scoring import TaskScores


def scored_fields(scores: "TaskScores") -> dict[str, Any]:
    """What scoring decides in a TaskResult: metrics, breakdowns, scorer provenance, errors."""
    return {
        "metrics": {name: MetricResult(value=v.value, stderr=v.stderr, n=v.n) for name, v in scores.metrics.items()},
        "breakdowns": {
            dimension: {
                group: {metric: MetricResult.model_validate(value) for metric, value in cell.items()} for group, cell in groups.items()
            }
            for dimension, groups in scores.breakdowns.items()
        },
        "scorers": scores.scorer_provenance,
        "errors": [SampleError(id=s.sample.id, error=s.error) for s in scores.samples if s.error],
        "refusals": [SampleRefusal(id=s.sample.id, kind=s.refused) for s in scores.samples if s.refused],
        "repeats": scores.repeats,
        "spread": scores.mean_spread(),
        "candidates": candidate_lists(scores),
    }


def candidate_lists(scores: "TaskScores") -> CandidateLists | None:
    """The candidate lists of a rank task's samples and the chance level of its metrics; None
    for a task without lists."""
    from rbh.ranking.chance import chance_levels

    lists = [(len(s.sample.candidates), len(s.sample.ground_truth)) for s in scores.samples[:: scores.repeats] if s.sample.candidates]
    if not lists:
        return None
    sizes = [n for n, _ in lists]
    return CandidateLists(
        size_mean=round(sum(sizes) / len(sizes), 3),
        size_min=min(sizes),
        size_max=max(sizes),
        positives_mean=round(sum(m for _, m in lists) / len(lists), 3),
        chance=chance_levels(scores.metrics, lists),
    )


def task_result(
    plan: "TaskPlan", scores: "TaskScores", counts: "CompletionCounts", wall_time_s: float, cost: CostResult | None = None
) -> TaskResult:
    """The TaskResult of one task that `rbh run` just completed and scored."""
    return TaskResult(
        config=plan.task.public_dict(),
        effective={"k": plan.k, "history": plan.history, "generation": plan.gen},
        dataset=DatasetRef(
            spec=plan.dataset_spec,
            name=plan.dataset.name,
            config=plan.task.dataset.config,
            split=plan.task.dataset.split,
            fingerprint=plan.dataset.fingerprint,
        ),
        counts=TaskCounts(
            samples=len(scores.samples),  # conversations, for an interactive task (its turns are model calls)
            cached=counts.cached,
            model_calls=counts.model_calls,
            errors=sum(1 for s in scores.samples if s.completion.error),
        ),
        tokens=TokenCounts(prompt=counts.prompt_tokens, completion=counts.completion_tokens, reasoning=counts.reasoning_tokens),
        wall_time_s=round(wall_time_s, 3),
        cost=cost,
        **scored_fields(scores),
    )


LOG_SAMPLES = ("slim", "full", "none")


def sample_rows(
    requests: Sequence["ChatRequest"],
    scores: "TaskScores",
    cached_keys: set[str],
    log_samples: str = "full",
    fingerprint: str | None = None,
) -> Iterator[SampleRow]:
    """One row per sample, made as it is asked for (a run writes each and lets it go): the prompt,
    the response, how it parsed, resolved and scored. The dataset row and the messages are copied
    with `log_samples="full"`; "slim" rows name the sample by id and `fingerprint`, and keep a
    hash of the messages (rendered again from the task)."""
    full = log_samples == "full"
    for n, (request, scored) in enumerate(zip(requests, scores.samples)):
        c = scored.completion
        yield (
            SampleRow(
                id=scored.sample.id,
                official_id=scored.sample.official_id,
                prompt=[dict(m) for m in request.messages] if full else [],
                prompt_sha=prompt_hash([dict(m) for m in request.messages]) if log_samples == "slim" else None,
                response=c.text,
                reasoning=c.reasoning,
                error=scored.error,
                finish_reason=c.finish_reason,
                usage={"prompt_tokens": c.usage.prompt_tokens, "completion_tokens": c.usage.completion_tokens},
                latency_s=round(c.latency_s, 4),
                cached=request.key in cached_keys,
                batch_id=c.batch_id,
                parsed=scored.parsed,
                resolved=scored.resolved,
                metrics=scored.metrics,
                scorer_errors=scored.scorer_errors,
                details=scored.details,
                repeat=request.repeat,
                spread=scores.spread[n // scores.repeats] if scores.spread else {},
                sample=scored.sample.to_dict() if full else None,
                fingerprint=None if full else fingerprint,
                conversation=scored.conversation.to_dict() if scored.conversation is not None else None,
            )
        )
