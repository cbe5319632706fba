"""Re-scoring a saved run folder (`rbh score`): the saved responses, the chosen scoring set, the
same scoring code as `rbh run`; written as `results.<scoring>.json` beside `results.json`."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rbh.interactive.conversation import Conversation
from rbh.models.base import Completion
from rbh.results.folder import RESULTS_FILE, read_run, run_folder_of, write_results
from rbh.results.model import Rescored, RunResults, SampleRow
from rbh.runner.plan import DatasetResolver
from rbh.runner.saved_samples import samples_of
from rbh.runner.scoring_pass import RunAssembly, ScoringJob, saved_task_dataset
from rbh.runner.task_results import scored_fields
from rbh.scoring.task_scoring import build_scorers
from rbh.tasks.index import validate_task

if TYPE_CHECKING:
    from rbh.registry import Registry


def rescore_run(
    path: Path, registry: "Registry", *, scoring: str = "rbh", dataset: str | None = None, seed: int | None = None
) -> tuple[Path, RunResults]:
    """Score the saved responses again and write `results.<scoring>.json` beside `results.json`.
    Every check (scoring set, task configs, scorers, datasets) runs before anything is scored."""
    from rbh.tasks.index import load_task_index

    run_dir = run_folder_of(path)
    scoring_set = registry.scoring_set(scoring)
    results, samples = read_run(run_dir)
    seed = results.seed if seed is None else seed
    resolver = DatasetResolver(registry)
    jobs = []
    for name, old in results.tasks.items():
        task = validate_task(dict(old.config), run_dir / RESULTS_FILE)
        scorers = build_scorers(task, registry, scoring_set)
        rows = samples[name]
        ds, ref = saved_task_dataset(name, old, rows, resolver, dataset)
        job = ScoringJob(
            task, samples_of(name, old, rows, ds), saved_completions(rows), ds, scorers,
            k=old.effective.get("k", task.k), repeats=old.repeats, conversations=saved_conversations(rows),
        )  # fmt: skip
        jobs.append((name, old, ref, job))
    assembly = RunAssembly(seed)
    for name, old, ref, job in jobs:
        scores = job.score(seed)
        assembly.add(name, old.model_copy(update={**scored_fields(scores), "dataset": ref}), scores)
    rescored = results.model_copy(
        update={
            "scoring": scoring_set.name,
            "seed": seed,
            "rescored": Rescored(at=datetime.now(timezone.utc).isoformat(timespec="seconds"), **{"from": RESULTS_FILE}),
            **assembly.fields(load_task_index(registry.task_folders())),
        }
    )
    out = write_results(run_dir / f"results.{scoring_set.name}.json", rescored)
    return out, rescored


def saved_completions(rows: list[SampleRow]) -> list[Completion]:
    """The completions a run folder recorded for one task."""
    return [Completion(text=r.response or "", reasoning=r.reasoning, error=_model_error(r), finish_reason=r.finish_reason) for r in rows]


def saved_conversations(rows: list[SampleRow]) -> list[Conversation] | None:
    """The conversations an interactive task's rows recorded (None for a single-turn task)."""
    if not any(r.conversation for r in rows):
        return None
    return [Conversation.from_dict(r.conversation or {"turns": []}) for r in rows]


def _model_error(row: SampleRow) -> str | None:
    """The model's own error of a saved row (a scorer's error is not the model's)."""
    if row.error and row.error not in row.scorer_errors.values():
        return row.error
    return None
