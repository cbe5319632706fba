"""The report's data: run headers, metric tables, breakdowns, and every sample of every run,
with repeated strings (prompts, titles, entities) stored once in a string table."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rbh.errors import RbhError
from rbh.models.effort import EFFORTS
from rbh.results.curves import effort_curves, history_curves, turn_curves
from rbh.results.model import MetricResult, RunResults, SampleRow
from rbh.results.table import metric_names

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.sample import Sample
    from rbh.registry import Registry
    from rbh.runner.load import LoadedRun
    from rbh.runner.plan import DatasetResolver

HIT, WRONG, UNRESOLVED = 0, 1, 2  # how a parsed title is coloured


class Strings:
    """A string table: each distinct string once, referenced by index."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        index = self._index.get(value)
        if index is None:
            index = self._index[value] = len(self.values)
            self.values.append(value)
        return index


def _metric(mv: MetricResult | None) -> list[Any] | None:
    return None if mv is None else [mv.value, mv.stderr, mv.n]


def run_header(run: "LoadedRun") -> dict[str, Any]:
    """What the report shows about a run before its numbers."""
    r = run.results
    return {
        "label": run.label,
        "path": str(run.path),
        "model": r.model.model_dump(),
        "datasets": sorted({f"{t.dataset.name} @ {t.dataset.fingerprint[:12]}" for t in r.tasks.values()}),
        "scoring": r.scoring,
        "k": sorted({str(t.effective.get("k")) for t in r.tasks.values()}),
        "history": sorted({str(t.effective.get("history")) for t in r.tasks.values()}),
        "seed": r.seed,
        "rbh_version": r.rbh_version,
        "plugins": r.plugins,
        "command": r.command,
        "created": r.created,
        "wall_time_s": r.wall_time_s,
        "log_samples": r.log_samples,
        "failed": r.failed,
    }


def run_tables(r: RunResults) -> dict[str, Any]:
    """Metrics per task, group and overall ([value, stderr, n]); breakdowns per task; paired
    robustness drops; history-length curves ({swept task: [[history size, metrics], ...]}); turn
    curves of interactive tasks ({task: [[turn, {"success": ...}], ...]})."""
    return {
        "tasks": {
            name: {
                "subtype": t.dataset.config.partition("_")[2] or name,
                "metrics": {m: _metric(v) for m, v in t.metrics.items()},
                "breakdowns": {
                    dim: {group: {m: _metric(v) for m, v in cell.items()} for group, cell in groups.items()}
                    for dim, groups in t.breakdowns.items()
                },
                "errors": len(t.errors),
                "refusals": len(t.refusals),  # each refused sample has refusal_rate 1 (the sample filter finds them)
            }
            for name, t in r.tasks.items()
        },
        "groups": {
            name: {"tasks": g.tasks, "aggregation": g.aggregation, "metrics": {m: _metric(v) for m, v in g.metrics.items()}}
            for name, g in r.groups.items()
        },
        "overall": None
        if r.overall is None
        else {
            "tasks": r.overall.tasks,
            "aggregation": r.overall.aggregation,
            "metrics": {m: _metric(v) for m, v in r.overall.metrics.items()},
        },
        "robustness": [d.model_dump() for d in r.robustness],
        "position_bias": [d.model_dump() for d in r.position_bias],
        "curves": {
            name: [[size, {m: _metric(v) for m, v in values.items()}] for size, values in points]
            for name, points in history_curves(r).items()
        },
        "effort_curves": {
            name: [
                [EFFORTS.index(effort) if effort in EFFORTS else -1, {m: _metric(v) for m, v in values.items()}]
                for effort, values in points
            ]
            for name, points in effort_curves(r).items()
        },
        "turn_curves": {
            name: [[turn, {m: _metric(v) for m, v in values.items()}] for turn, values in points] for name, points in turn_curves(r).items()
        },
    }


def sample_info(sample: "Sample", catalog: "Catalog | None", s: Strings) -> list[Any]:
    """[query, ground-truth titles, conditions, bridges, misinformation, group] of a dataset sample."""

    def title(item_id: str) -> int:
        return s(catalog.title_of(item_id) if catalog is not None and item_id in catalog else item_id)

    return [
        s(sample.query),
        [title(i) for i in sample.ground_truth] or [s(t) for t in sample.ground_truth_titles],
        [[s(c.relation), s(c.entity)] for c in sample.conditions],
        [[title(b.item_id), s(b.relation), s(b.entity)] for b in sample.bridges],
        [[title(m.item_id), s(m.relation), s(m.true_entity), s(m.stated_entity)] for m in sample.misinformation],
        s(" / ".join(f"{k}: {v}" for k, v in sample.group.items())) if sample.group else -1,
    ]


def detail_text(value: Any) -> str:
    """A per-sample detail as the report shows it: `relation = entity` for a condition, `none`."""
    if value is None:
        return "none"
    if isinstance(value, dict) and set(value) == {"relation", "entity"}:
        return f"{value['relation']} = {value['entity']}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def sample_result(row: SampleRow, metrics: list[str], truth: set[str] | None, s: Strings, prompt: list[dict[str, str]]) -> list[Any]:
    """[prompt, response, reasoning, error, parsed titles with colour, metric values, details
    (name, text), transcript] of a row; the transcript (interactive tasks, else -1) is [plan as
    (relation, entity, kind), messages as (role, text, revealed as "relation = entity (how)",
    accepted, tool calls)]."""
    parsed = []
    for i, p in enumerate(row.parsed):
        rid = row.resolved[i] if i < len(row.resolved) else None
        colour = UNRESOLVED if rid is None else HIT if truth is not None and rid in truth else WRONG
        parsed.append([s(str(p.get("title", ""))), colour])
    return [
        [[s(m.get("role", "")), s(m.get("content", ""))] for m in prompt],
        row.response,
        row.reasoning,
        row.error,
        parsed,
        [row.metrics.get(m) for m in metrics],
        [[s(name.replace("_", " ")), s(detail_text(value))] for name, value in row.details.items()],
        transcript(row.conversation, s) if row.conversation else -1,
    ]


def transcript(conversation: dict[str, Any], s: Strings) -> list[Any]:
    """A saved conversation as the report shows it (see `sample_result`)."""
    plan = [
        [s(c["relation"]), s(c["entity"]), s(c["kind"] + (", through titles" if c.get("bridged") else ""))] for c in conversation["plan"]
    ]
    messages: list[Any] = [["user", conversation["opening"], [], False, 0]]
    for turn in conversation.get("turns") or ():
        messages.append(["assistant", turn["assistant"], [], False, turn.get("tool_calls", 0)])
        if turn.get("user") is not None:
            revealed = [s(f"{r['relation']} = {r['entity']} ({r['how']})") for r in turn.get("revealed") or ()]
            messages.append(["user", turn["user"], revealed, bool(turn.get("accepted")), 0])
    return [plan, messages]


def report_data(runs: list["LoadedRun"], registry: "Registry") -> tuple[dict[str, Any], list[str]]:
    """The whole payload and the warnings to print (e.g. a dataset that is not available)."""
    from rbh.runner.plan import DatasetResolver

    s = Strings()
    warnings: list[str] = []
    metrics = list(dict.fromkeys(m for run in runs for m in metric_names(run.results)))
    resolver = DatasetResolver(registry)
    tasks = list(dict.fromkeys(t for run in runs for t in run.results.tasks))
    samples: dict[str, Any] = {}
    for task in tasks:
        owners = [run for run in runs if task in run.samples]
        if not owners:
            continue
        ids = list(dict.fromkeys(row.id for run in owners for row in run.samples[task]))
        by_run = [{row.id: row for row in run.samples.get(task, [])} for run in runs]
        prompts = [_prompts(task, run, resolver, registry, warnings) for run in runs]
        info, truths = _sample_infos(task, ids, owners[0], resolver, s, warnings)
        samples[task] = {
            "ids": ids,
            "info": [info.get(i) for i in ids],
            "runs": [
                [sample_result(rows[i], metrics, truths.get(i), s, prompts[r].get(i, [])) if i in rows else None for i in ids]
                if rows
                else None
                for r, rows in enumerate(by_run)
            ],
        }
    data = {
        "metrics": metrics,
        "runs": [{"header": run_header(run), **run_tables(run.results)} for run in runs],
        "tasks": tasks,
        "samples": samples,
        "strings": s.values,
    }
    return data, warnings


def _prompts(task: str, run: "LoadedRun", resolver: "DatasetResolver", registry: "Registry", warnings: list[str]) -> dict[str, Any]:
    """The prompt messages of a run's rows by id (slim rows: rendered again from the task)."""
    from rbh.runner.saved_samples import prompts_for

    rows = run.samples.get(task, [])
    if not rows or run.results.tasks[task].config.get("protocol") == "interactive":
        return {}  # an interactive task's messages are its conversation, shown as a transcript
    prompts = prompts_for(task, run.results.tasks[task], rows, resolver, registry)
    if prompts is None:
        warnings.append(f"{run.label}, task {task}: the prompts could not be rendered again as they were sent; they are not shown")
        return {}
    return {row.id: p for row, p in zip(rows, prompts)}


def _sample_infos(
    task: str, ids: list[str], run: "LoadedRun", resolver: "DatasetResolver", s: Strings, warnings: list[str]
) -> tuple[dict[str, list[Any]], dict[str, set[str]]]:
    """Sample details by id, from copied rows or the recorded dataset; ground-truth ids by id."""
    from rbh.data.sample import Sample
    from rbh.runner.saved_samples import open_recorded_dataset

    result = run.results.tasks[task]
    rows = run.samples[task]
    catalog = None
    by_id: dict[str, Sample] = {}
    try:
        ds = open_recorded_dataset(task, result, resolver)
        catalog = ds.catalog(result.dataset.config.split("_")[0])
        if any(r.sample is None for r in rows):
            by_id = {x.id: x for x in ds.samples(result.dataset.config, result.dataset.split)}
    except RbhError as exc:
        if any(r.sample is None for r in rows):
            warnings.append(f"{exc}; the report shows its samples without query and ground truth")
        else:
            warnings.append(f"task {task}: dataset not available ({exc}); ground truth is shown as ids")
    for r in rows:
        if r.sample is not None and r.id not in by_id:
            try:
                by_id[r.id] = Sample.from_dict(r.sample)
            except ValueError:
                pass
    info = {i: sample_info(by_id[i], catalog, s) for i in ids if i in by_id}
    truths = {i: set(by_id[i].ground_truth) for i in ids if i in by_id}
    return info, truths
