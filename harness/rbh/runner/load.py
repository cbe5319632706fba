"""Loading saved runs for `rbh show`, `compare`, `view` and `push --results`: results (with group
rows), sample rows, and a label per run that tells runs of the same model apart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rbh.results.folder import RESULTS_FILE, read_results, read_samples, run_folder_of
from rbh.results.model import RunResults, SampleRow
from rbh.runner.groups import with_groups

if TYPE_CHECKING:
    from rbh.registry import Registry


@dataclass
class LoadedRun:
    label: str
    path: Path
    results: RunResults
    samples: dict[str, list[SampleRow]]


def load_runs(paths: Sequence[Path], registry: "Registry", with_samples: bool = True) -> list[LoadedRun]:
    """Each run folder (or results file) with its samples; labels are the model, or model@folder
    where two runs share a model."""
    loaded = []
    for path in paths:
        run_dir = run_folder_of(path)
        results_path = path if path.is_file() else run_dir / RESULTS_FILE
        if not results_path.is_file():
            from rbh.errors import UsageError

            raise UsageError(f"not a run folder (no {RESULTS_FILE}): {run_dir}")
        results = with_groups(read_results(results_path), registry)
        samples = {}
        if with_samples and results.log_samples != "none":
            samples = {t: read_samples(run_dir, t) for t in results.tasks}
        loaded.append(LoadedRun(results.model.spec, run_dir, results, samples))
    counts = Counter(r.label for r in loaded)
    for r in loaded:
        if counts[r.label] > 1:
            r.label = f"{r.label}@{r.path.name}"
    counts = Counter(r.label for r in loaded)
    for n, r in enumerate(loaded, 1):
        if counts[r.label] > 1:  # same model and folder name under different parents
            r.label = f"{r.label}#{n}"
    return loaded
