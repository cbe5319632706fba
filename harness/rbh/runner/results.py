"""Writing and reading run folders: `results.json` + `samples/<task>.jsonl`, atomically."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rbh.atomic import atomic_folder
from rbh.errors import UsageError

SCHEMA_VERSION = 1
RESULTS_FILE = "results.json"
SAMPLES_DIR = "samples"


def run_dir_name(model_display: str, when: datetime | None = None) -> str:
    """'20261123-081500_openai_gpt-4o' (timestamp in UTC, model name slugged)."""
    when = when or datetime.now(timezone.utc)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_display.replace(":", "_").replace("/", "_")).strip("_")
    return f"{when.strftime('%Y%m%d-%H%M%S')}_{slug[:80] or 'model'}"


def unique_dir(parent: Path, name: str) -> Path:
    """`parent/name`, or `parent/name-2`, ... if it already exists."""
    path, n = parent / name, 2
    while path.exists():
        path, n = parent / f"{name}-{n}", n + 1
    return path


def write_run(run_dir: Path, results: Mapping[str, Any], samples: Mapping[str, Iterable[Mapping[str, Any]]]) -> Path:
    """Write a whole run folder at once: into a hidden temporary folder, then renamed."""
    with atomic_folder(run_dir, replace=False) as tmp:
        (tmp / SAMPLES_DIR).mkdir()
        for task, rows in samples.items():
            with (tmp / SAMPLES_DIR / f"{task}.jsonl").open("w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (tmp / RESULTS_FILE).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return run_dir


def write_json_atomic(path: Path, data: Mapping[str, Any]) -> Path:
    """Write one JSON file through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Load a run folder's results.json and its samples."""
    results_path = run_dir / RESULTS_FILE
    if not results_path.is_file():
        raise UsageError(f"not a run folder (no {RESULTS_FILE}): {run_dir}")
    try:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{results_path}: invalid JSON: {exc.msg}") from None
    samples: dict[str, list[dict[str, Any]]] = {}
    for task in results.get("tasks", {}):
        path = run_dir / SAMPLES_DIR / f"{task}.jsonl"
        if not path.is_file():
            raise UsageError(f"run folder {run_dir} lacks {path.relative_to(run_dir)}")
        with path.open(encoding="utf-8") as fh:
            samples[task] = [json.loads(line) for line in fh if line.strip()]
    return results, samples
