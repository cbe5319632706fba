"""The dataset samples behind a run folder's rows: copied in the rows (`--log-samples full`), or
named by id and found again in the dataset with the recorded fingerprint (slim rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rbh.data.sample import Sample
from rbh.errors import DataError, RbhError, UsageError
from rbh.results.model import SampleRow, TaskResult

if TYPE_CHECKING:
    from rbh.data.dataset import BenchmarkDataset
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
