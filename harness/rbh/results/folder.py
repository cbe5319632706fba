"""Writing and reading run folders: `results.json` + `samples/<task>.jsonl`, atomically, through
the typed models of `rbh.results.model`."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from rbh.atomic import atomic_folder, current_umask
from rbh.errors import UsageError
from rbh.results.model import READABLE_VERSIONS, RunResults, SampleRow

RESULTS_FILE = "results.json"
SAMPLES_DIR = "samples"
SUMMARY_FILE = "summary.md"
CSV_FILE = "results.csv"


def run_dir_name(name: str, when: datetime | None = None, *, named: bool = False) -> str:
    """'20261123-081500_openai_gpt-4o': a UTC timestamp and the slugged model (or `--run-name`,
    which is used as given, without the timestamp, when `named`). Cut at a word boundary."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name.replace(":", "_").replace("/", "_")).strip("_") or "model"
    if len(slug) > 60:
        cut = slug[:60]
        slug = cut[: max(cut.rfind("_"), cut.rfind("-"), 30)].rstrip("_-.")
    if named:
        return slug
    when = when or datetime.now(timezone.utc)
    return f"{when.strftime('%Y%m%d-%H%M%S')}_{slug}"


def unique_dir(parent: Path, name: str) -> Path:
    """`parent/name`, or `parent/name-2`, ... if it already exists."""
    path, n = parent / name, 2
    while path.exists():
        path, n = parent / f"{name}-{n}", n + 1
    return path


def check_output_parent(parent: Path) -> None:
    """Fail before any request when the run folder's parent could not be created or written;
    nothing is created here (the run folder appears only when the run is written)."""
    existing = parent.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--output {parent}: {existing} is not a folder")
    try:  # a real (removed) folder: mode bits alone say nothing of read-only or pseudo file systems
        os.rmdir(tempfile.mkdtemp(prefix=".rbh-write-check.", dir=existing))
    except OSError as exc:
        raise UsageError(f"--output {parent}: cannot create folders in {existing} ({exc.strerror or type(exc).__name__})") from None


_OPTIONAL_KEYS = ("sample", "fingerprint", "prompt_sha")  # left out of a row when unset (slim rows have no `sample`)


def write_run(run_dir: Path, results: RunResults, samples: Mapping[str, Iterable[SampleRow]]) -> Path:
    """Write a whole run folder at once: into a hidden temporary folder, then renamed. Beside
    `results.json`: `summary.md` (the table in Markdown) and `results.csv` (its records)."""
    with atomic_folder(run_dir, replace=False) as tmp:
        for task, rows in samples.items():
            write_samples(tmp, task, rows)
        write_results_files(tmp, results)
    return run_dir


def write_samples(folder: Path, task: str, rows: Iterable[SampleRow]) -> Path:
    """`samples/<task>.jsonl` of a run folder being written (a run streams each task's rows
    here as soon as the task is scored, so they need not stay in memory)."""
    (folder / SAMPLES_DIR).mkdir(exist_ok=True)
    path = folder / SAMPLES_DIR / f"{task}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(row.model_dump_json(exclude={k for k in _OPTIONAL_KEYS if getattr(row, k) is None}) + "\n")
    return path


def write_results_files(folder: Path, results: RunResults) -> None:
    """`summary.md`, `results.csv` and, last, `results.json` of a run folder being written."""
    from rbh.results.table import results_csv, summary_markdown

    (folder / SUMMARY_FILE).write_text(summary_markdown(results), encoding="utf-8")
    (folder / CSV_FILE).write_text(results_csv(results), encoding="utf-8")
    (folder / RESULTS_FILE).write_text(results.to_json(), encoding="utf-8")


def write_results(path: Path, results: RunResults) -> Path:
    """Write one results file through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(results.to_json())
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes it 0600; the result follows the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def run_folder_of(path: Path) -> Path:
    """The run folder of a path given on the command line: the folder, or a results file in it."""
    return path.parent if path.is_file() and path.suffix == ".json" else path


def read_results(path: Path) -> RunResults:
    """Read and validate one results file (`results.json` or a re-scored `results.NAME.json`)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: invalid JSON: {exc.msg}") from None
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version not in READABLE_VERSIONS:
        raise UsageError(f"{path}: results schema version {version!r} is not one this rbh reads ({', '.join(map(str, READABLE_VERSIONS))})")
    try:
        return RunResults.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise UsageError(f"{path}: {where}: {err['msg']}") from None


def read_samples(run_dir: Path, task: str) -> list[SampleRow]:
    """The per-sample rows of one task of a run folder."""
    path = run_dir / SAMPLES_DIR / f"{task}.jsonl"
    if not path.is_file():
        raise UsageError(f"run folder {run_dir} lacks {path.relative_to(run_dir)} (was it run with --no-log-samples?)")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(SampleRow.model_validate_json(line))
            except ValidationError as exc:
                err = exc.errors()[0]
                raise UsageError(f"{path}:{n}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}") from None
    return rows


def read_run(path: Path) -> tuple[RunResults, dict[str, list[SampleRow]]]:
    """Load a run folder (or its results.json): the results and every task's sample rows."""
    run_dir = run_folder_of(path)
    results_path = run_dir / RESULTS_FILE
    if not results_path.is_file():
        raise UsageError(f"not a run folder (no {RESULTS_FILE}): {run_dir}")
    results = read_results(results_path)
    if results.log_samples == "none":
        return results, {}
    return results, {task: read_samples(run_dir, task) for task in results.tasks}
