"""The dataset samples behind a run folder's rows: copied in the rows (`--log-samples full`), or
named by id and found again in the dataset with the recorded fingerprint (slim rows)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rbh.data.sample import Sample
from rbh.errors import DataError, RbhError, UsageError
from rbh.results.model import SampleRow, TaskResult, prompt_hash

if TYPE_CHECKING:
    from rbh.data.dataset import BenchmarkDataset
    from rbh.registry import Registry
    from rbh.runner.plan import DatasetResolver


def open_recorded_dataset(task: str, result: TaskResult, resolver: "DatasetResolver") -> "BenchmarkDataset":
    """The dataset a task ran on, checked by fingerprint: the recorded spec first, then the task's
    registered dataset name. Unavailable or changed is one clear line."""
    ref = result.dataset
    candidates = list(dict.fromkeys([ref.spec, str((result.config.get("dataset") or {}).get("name") or ""), ref.name]))
    seen = []
    for spec in filter(None, candidates):
        try:
            _, ds = resolver.open(spec)
            fingerprint = ds.fingerprint
        except RbhError:
            continue
        if fingerprint == ref.fingerprint:
            return ds
        seen.append(f"{spec} has fingerprint {fingerprint[:12]}")
    found = f" ({'; '.join(seen)})" if seen else ""
    raise DataError(
        f"task {task}: its sample rows name dataset {ref.name} by fingerprint {ref.fingerprint[:12]}, which is not available "
        f"here{found}; pass --dataset with that dataset, or run with --log-samples full to keep samples in the run folder"
    )


def samples_of(task: str, result: TaskResult, rows: list[SampleRow], source: "DatasetResolver | BenchmarkDataset | None") -> list[Sample]:
    """One Sample per row, in row order: from the row itself, else from `source` (a dataset to take
    the samples from as it is, or a resolver to find the recorded dataset by fingerprint)."""
    if all(r.sample is not None for r in rows):
        try:
            return [Sample.from_dict(r.sample or {}) for r in rows]
        except ValueError as exc:
            raise UsageError(f"samples/{task}.jsonl is malformed: {exc}") from None
    if source is None:
        raise DataError(f"task {task}: the sample rows are slim and no dataset was given to find them in")
    from rbh.data.dataset import BenchmarkDataset

    ds = source if isinstance(source, BenchmarkDataset) else open_recorded_dataset(task, result, source)
    by_id = {s.id: s for s in ds.samples(result.dataset.config, result.dataset.split)}
    missing = [r.id for r in rows if r.sample is None and r.id not in by_id]
    if missing:
        raise DataError(f"task {task}: dataset {ds.name} has no sample {missing[0]!r} ({len(missing)} missing)")
    return [Sample.from_dict(r.sample) if r.sample is not None else by_id[r.id] for r in rows]


def rendered_prompts(
    task: str, result: TaskResult, rows: list[SampleRow], samples: list[Sample], dataset: "BenchmarkDataset", registry: "Registry"
) -> list[list[dict[str, str]]] | None:
    """The messages of each row: saved ones as they are, slim ones rendered again from the task and
    checked against the saved hash. None when the templates no longer give what was sent."""
    if all(r.prompt or r.prompt_sha is None for r in rows):
        return [r.prompt for r in rows]
    from rbh.tasks.index import validate_task
    from rbh.tasks.prompts import PromptRenderer

    try:
        from rbh.ranking.candidates import ranking_samples

        config = validate_task(dict(result.config), Path(result.config.get("source_path") or "results.json"))
        shown = ranking_samples(config, samples, dataset)  # a rank task's lists, rebuilt
        renderer = PromptRenderer(config, registry.template_paths())
        catalog = dataset.catalog(config.domain)
        k, history = result.effective.get("k"), bool(result.effective.get("history"))
        out = []
        for row, sample in zip(rows, shown):
            if row.prompt or row.prompt_sha is None:
                out.append(row.prompt)
                continue
            messages = [dict(m) for m in renderer.render(sample, catalog, k, history)]
            if prompt_hash(messages) != row.prompt_sha:
                return None
            out.append(messages)
        return out
    except RbhError:
        return None


def prompts_for(
    task: str, result: TaskResult, rows: list[SampleRow], resolver: "DatasetResolver", registry: "Registry"
) -> list[list[dict[str, str]]] | None:
    """The messages of a task's rows, rendered again for slim rows; None when that is not possible
    (the dataset is unavailable, or the templates changed since the run)."""
    if all(r.prompt or r.prompt_sha is None for r in rows):
        return [r.prompt for r in rows]
    try:
        dataset = open_recorded_dataset(task, result, resolver)
        samples = samples_of(task, result, rows, dataset)
    except RbhError:
        return None
    return rendered_prompts(task, result, rows, samples, dataset, registry)
