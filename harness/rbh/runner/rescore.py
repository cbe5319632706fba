"""Re-scoring a saved run folder (`rbh score`): the saved responses, the chosen scoring set, the
same scoring code as `rbh run`; written as `results.<scoring>.json` beside `results.json`."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rbh.interactive.conversation import Conversation
from rbh.models.base import Completion
from rbh.results.folder import RESULTS_FILE, read_run, run_folder_of, write_results
from rbh.results.model import DatasetRef, Rescored, RunResults, SampleRow
from rbh.runner.groups import groups_for
from rbh.runner.plan import DatasetResolver
from rbh.runner.saved_samples import open_recorded_dataset, samples_of
from rbh.runner.task_results import scored_fields
from rbh.scoring.paired import paired_drops
from rbh.scoring.task_scoring import build_scorers, score_task
from rbh.tasks.index import validate_task

if TYPE_CHECKING:
    from rbh.registry import Registry


def rescore_run(
    path: Path, registry: "Registry", *, scoring: str = "rbh", dataset: str | None = None, seed: int | None = None
) -> tuple[Path, RunResults]:
    """Score the saved responses again and write `results.<scoring>.json` beside `results.json`.
    Every check (scoring set, task configs, scorers, datasets) runs before anything is scored."""
    run_dir = run_folder_of(path)
    scoring_set = registry.scoring_set(scoring)
    results, samples = read_run(run_dir)
    seed = results.seed if seed is None else seed
    resolver = DatasetResolver(registry)
    new_tasks, all_scores = {}, []
    for name, old in results.tasks.items():
        task = validate_task(dict(old.config), run_dir / RESULTS_FILE)
        scorers = build_scorers(task, registry, scoring_set)
        spec = dataset or old.dataset.spec
        rows = samples[name]
        slim = any(r.sample is None for r in rows)
        ds = open_recorded_dataset(name, old, resolver) if slim and dataset is None else resolver.open(spec)[1]
        sample_objs = samples_of(name, old, rows, ds)
        completions = saved_completions(rows)
        k = old.effective.get("k", task.k)
        scores = score_task(
            task, sample_objs, completions, ds.catalog(task.domain), ds.kg(task.domain), scorers, k=k, seed=seed, repeats=old.repeats,
            population=ds.samples(old.dataset.config, old.dataset.split), conversations=saved_conversations(rows),
        )  # fmt: skip
        ref = (
            old.dataset
            if dataset is None
            else DatasetRef(spec=spec, name=ds.name, config=old.dataset.config, split=old.dataset.split, fingerprint=ds.fingerprint)
        )
        new_tasks[name] = old.model_copy(update={**scored_fields(scores), "dataset": ref})
        all_scores.append(scores)
    rescored = results.model_copy(
        update={
            "scoring": scoring_set.name,
            "seed": seed,
            "rescored": Rescored(at=datetime.now(timezone.utc).isoformat(timespec="seconds"), **{"from": RESULTS_FILE}),
            "tasks": new_tasks,
            **groups_for(new_tasks, registry),
            "robustness": paired_drops(all_scores, seed),
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
