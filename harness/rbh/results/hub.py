"""Results on the Hub (`rbh push RUN... --results ORG/NAME`): a dataset repo with the aggregated
results (config `results`) and the per-sample details (a config per model and task), each with
a `latest` split and a split named after the run's time, and a card holding the leaderboard."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.results.model import RunResults, SampleRow

if TYPE_CHECKING:
    from rbh.data.hub import PushPlan
    from rbh.runner.load import LoadedRun

RESULTS_CONFIG = "results"
LATEST = "latest"


def slug(text: str) -> str:
    """A config-name-safe form of a model or task name."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "run"


def time_split(created: str) -> str:
    """'2026-11-23T08:15:00+00:00' -> '2026_11_23T08_15_00' (a valid split name)."""
    return re.sub(r"[^0-9T]+", "_", created.split("+")[0]).strip("_")


def detail_rows(rows: Sequence[SampleRow], metrics: Sequence[str], prompts: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """Per-sample details: the request, the response, how it parsed and scored (a column per metric)."""
    return [
        {
            "id": r.id,
            "official_id": r.official_id,
            "prompt": json.dumps(prompts[n] if prompts is not None else r.prompt, ensure_ascii=False),
            "response": r.response,
            "reasoning": r.reasoning,
            "error": r.error,
            "parsed_titles": [str(p.get("title", "")) for p in r.parsed],
            "resolved": [x or "" for x in r.resolved],
            **{f"metric_{m}": r.metrics.get(m) for m in metrics},
        }
        for n, r in enumerate(rows)
    ]


def result_rows(label: str, results: RunResults) -> list[dict[str, Any]]:
    """The aggregated results of one run as rows: model, task/group, metric, value, stderr, n."""
    from rbh.results.table import records

    fingerprints = sorted({t.dataset.fingerprint for t in results.tasks.values()})
    return [
        {"model": label, "created": results.created, "scoring": results.scoring, "dataset_fingerprint": ",".join(fingerprints), **rec}
        for rec in records(results)
    ]


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path.as_posix()


def build_results_folder(runs: Sequence["LoadedRun"], folder: Path, leaderboard: str, prompts: Any = None) -> list[str]:
    """Write the repo's files into `folder`; returns the config names."""
    configs: dict[str, list[tuple[str, str]]] = {}

    def add(config: str, split: str, rows: list[dict[str, Any]]) -> None:
        rel = f"{config}/{split}.parquet"
        _write_parquet(folder / rel, rows)
        configs.setdefault(config, []).append((split, rel))

    all_results = [row for run in runs for row in result_rows(run.label, run.results)]
    add(RESULTS_CONFIG, LATEST, all_results)
    for run in runs:
        stamp = time_split(run.results.created)
        for task, rows in run.samples.items():
            metrics = list(run.results.tasks[task].metrics)
            config = f"{slug(run.label)}__{slug(task)}"
            details = detail_rows(rows, metrics, prompts(run, task) if prompts else None)
            add(config, LATEST, details)
            add(config, stamp, details)
    _write_card(folder, configs, runs, leaderboard)
    return list(configs)


def _write_card(folder: Path, configs: dict[str, list[tuple[str, str]]], runs: Sequence["LoadedRun"], leaderboard: str) -> None:
    import yaml

    meta = {
        "pretty_name": "rbh results: " + ", ".join(r.label for r in runs),
        "tags": ["recbench-plus", "rbh", "evaluation-results"],
        "configs": [
            {"config_name": name, "data_files": [{"split": split, "path": path} for split, path in splits]}
            for name, splits in configs.items()
        ],
    }
    body = (
        "# rbh results\n\nEvaluation results written by `rbh push --results`: the config `results` holds every run's "
        "metrics (tasks, groups, overall); each `MODEL__TASK` config holds that run's per-sample details. Every config "
        "has a `latest` split and a split named after the run's time.\n\n## Leaderboard\n\n" + leaderboard
    )
    (folder / "README.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n" + body, encoding="utf-8")


def push_results(
    runs: Sequence["LoadedRun"],
    repo_id: str,
    *,
    private: bool = False,
    message: str | None = None,
    prompts: Any = None,
    progress: bool = False,
    dry_run: bool = False,
) -> "str | PushPlan":
    """Upload the runs' results and details to the dataset repo `repo_id`; returns its URL (with
    `dry_run`, what would be sent: nothing is). `prompts(run, task)` gives the messages of slim
    rows (rendered again), or None to leave them out; `progress` as for `push_dataset`."""
    from rbh.data.hub import plan_push, push_dataset
    from rbh.results.compare import ComparedRun, compare_runs, markdown

    comparison = compare_runs([ComparedRun.of(r.label, r.path, r.results, r.samples) for r in runs])
    with tempfile.TemporaryDirectory(prefix="rbh-results-") as tmp:
        folder = Path(tmp)
        build_results_folder(runs, folder, markdown(comparison), prompts)
        if dry_run:
            return plan_push(folder, repo_id)
        return push_dataset(folder, repo_id, private=private, commit_message=message or "Upload rbh results", progress=progress)
