"""Re-scoring a saved run folder (`rbh score`)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.data.sample import Sample
from rbh.errors import UsageError
from rbh.models.base import Completion
from rbh.runner.plan import DatasetResolver
from rbh.runner.results import read_run, write_json_atomic
from rbh.runner.scoring_pass import score_task
from rbh.tasks.index import validate_task

if TYPE_CHECKING:
    from rbh.registry import Registry


def rescore_run(
    run_dir: Path, registry: "Registry", *, scoring: str = "rbh", dataset: str | None = None, seed: int | None = None
) -> tuple[Path, dict[str, Any]]:
    """Score the saved responses again and write `results.<scoring>.json` beside `results.json`."""
    results, samples = read_run(run_dir)
    resolver = DatasetResolver(registry)
    seed = results.get("seed", 0) if seed is None else seed
    new_tasks: dict[str, Any] = {}
    for name, task_result in results["tasks"].items():
        config = dict(task_result["config"])
        task = validate_task(config, run_dir / "results.json")
        spec = dataset or task_result["dataset"]["spec"]
        _, ds = resolver.open(spec)
        rows = samples[name]
        try:
            sample_objs = [Sample.from_dict(r["sample"]) for r in rows]
            completions = [
                Completion(
                    text=r.get("response") or "", reasoning=r.get("reasoning"), error=r.get("error"), finish_reason=r.get("finish_reason")
                )
                for r in rows
            ]
        except (KeyError, ValueError) as exc:
            raise UsageError(f"{run_dir}: samples/{name}.jsonl is malformed: {exc}") from None
        k = task_result.get("effective", {}).get("k", task.k)
        scores = score_task(
            task, sample_objs, completions, ds.catalog(task.domain), ds.kg(task.domain), registry, k=k, scoring=scoring, seed=seed
        )
        new_tasks[name] = {
            **task_result,
            "metrics": {m: v.to_dict() for m, v in scores.metrics.items()},
            "breakdowns": scores.breakdowns,
            "scorers": scores.scorer_provenance,
        }
    rescored = {
        **results,
        "scoring": scoring,
        "seed": seed,
        "rescored": {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "from": "results.json"},
        "tasks": new_tasks,
    }
    path = write_json_atomic(run_dir / f"results.{scoring}.json", rescored)
    return path, rescored
