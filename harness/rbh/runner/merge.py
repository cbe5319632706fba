"""`rbh merge`: join the shard folders of one evaluation (`rbh run --shard I/N`) into one run
folder whose results equal an unsharded run's: the rows are concatenated in shard order and
scored again with the same code, so every metric, stderr and breakdown is computed over all
samples at once."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rbh.errors import UsageError
from rbh.results.folder import read_run, write_run
from rbh.results.model import RunResults, SampleRow, TaskCounts, TokenCounts
from rbh.runner.plan import DatasetResolver
from rbh.runner.rescore import saved_completions, saved_conversations
from rbh.runner.saved_samples import samples_of
from rbh.runner.scoring_pass import RunAssembly, ScoringJob, saved_task_dataset
from rbh.runner.task_results import scored_fields
from rbh.scoring.task_scoring import build_scorers
from rbh.tasks.index import load_task_index, validate_task

if TYPE_CHECKING:
    from rbh.registry import Registry

MUST_AGREE = ("model", "scoring", "seed", "repeats")


def merge_runs(paths: list[Path], out: Path, registry: "Registry", command: str = "") -> RunResults:
    """Merge shard folders into `out` (which must not exist) and return the merged results."""
    if out.exists():
        raise UsageError(f"--out {out} already exists")
    shards = sorted((read_run(p) + (p,) for p in paths), key=lambda r: _shard_index(r[0], r[2]))
    first, _, _ = shards[0]
    _check_complete(shards)
    scoring = registry.scoring_set(first.scoring)
    resolver = DatasetResolver(registry)
    assembly, rows_out = RunAssembly(first.seed), {}
    for name, head in first.tasks.items():
        rows: list[SampleRow] = [row for _, samples, _ in shards for row in samples[name]]
        task = validate_task(dict(head.config), paths[0])
        dataset, _ = saved_task_dataset(name, head, rows, resolver)
        scores = ScoringJob(
            task, samples_of(name, head, rows, dataset), saved_completions(rows), dataset, build_scorers(task, registry, scoring),
            k=head.effective.get("k", task.k), repeats=head.repeats, conversations=saved_conversations(rows),
        ).score(first.seed)  # fmt: skip
        parts = [r.tasks[name] for r, _, _ in shards]
        merged_task = head.model_copy(
            update={
                **scored_fields(scores),
                "counts": TaskCounts(
                    samples=sum(p.counts.samples for p in parts),
                    cached=sum(p.counts.cached for p in parts),
                    model_calls=sum(p.counts.model_calls for p in parts),
                    errors=sum(p.counts.errors for p in parts),
                ),
                "tokens": TokenCounts(
                    prompt=sum(p.tokens.prompt for p in parts),
                    completion=sum(p.tokens.completion for p in parts),
                    reasoning=sum(p.tokens.reasoning for p in parts),
                ),
                "wall_time_s": round(sum(p.wall_time_s for p in parts), 3),
            }
        )
        assembly.add(name, merged_task, scores)
        rows_out[name] = rows
    merged = first.model_copy(
        update={
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": command,
            "selection": {**first.selection, "shard": None, "merged_from": [str(p) for _, _, p in shards]},
            **assembly.fields(load_task_index(registry.task_folders())),
            "wall_time_s": round(sum(r.wall_time_s for r, _, _ in shards), 3),
        }
    )
    write_run(out, merged, rows_out)
    return merged


def _shard_index(results: RunResults, path: Path) -> int:
    shard = results.selection.get("shard")
    if not shard:
        raise UsageError(f"{path} is not a shard (it was not run with --shard I/N)")
    return int(str(shard).split("/")[0])


def _check_complete(shards: list[tuple[RunResults, dict[str, list[SampleRow]], Path]]) -> None:
    """Every shard of one evaluation, once each, all run the same way."""
    first, _, first_path = shards[0]
    count = int(str(first.selection["shard"]).split("/")[1])
    indexes = [int(str(r.selection["shard"]).split("/")[0]) for r, _, _ in shards]
    if sorted(indexes) != list(range(count)) or any(str(r.selection["shard"]).split("/")[1] != str(count) for r, _, _ in shards):
        have = ", ".join(str(r.selection["shard"]) for r, _, _ in shards)
        raise UsageError(f"expected shards 0/{count} … {count - 1}/{count} once each, got {have}")
    for results, _, path in shards[1:]:
        for key in MUST_AGREE:
            if getattr(results, key) != getattr(first, key):
                raise UsageError(f"{path} and {first_path} differ in {key}: they are not shards of one evaluation")
        if {k: v for k, v in results.selection.items() if k != "shard"} != {k: v for k, v in first.selection.items() if k != "shard"}:
            raise UsageError(f"{path} and {first_path} select samples differently: they are not shards of one evaluation")
        if set(results.tasks) != set(first.tasks):
            raise UsageError(f"{path} and {first_path} ran different tasks")
        for name, task in results.tasks.items():
            ref = first.tasks[name]
            if (task.dataset.fingerprint, task.effective, task.config) != (ref.dataset.fingerprint, ref.effective, ref.config):
                raise UsageError(f"task {name}: {path} and {first_path} differ in dataset, task config or k/history/generation")
