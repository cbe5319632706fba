"""Training data from tasks: every sample of a split with the prompt evaluation renders for it
and its ground-truth titles, in the task's output format, as the assistant turn — rows TRL's
`SFTTrainer` (and `GRPOTrainer`, whose rewards read the extra columns) and
`datasets.load_dataset` take directly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbh import Catalog, Sample, TaskPrompts

FORMATS = ("messages", "prompt-completion")
FILE_TYPES = ("parquet", "jsonl")
SEPARATOR = " [SEP] "


def target_text(sample: "Sample", catalog: "Catalog", k: int | None, fmt: str = "sep") -> str:
    """The ideal answer: the ground-truth titles ('Title (YYYY)'), cut to k, in the task's format;
    for a rank task's sample, the whole list ranked: its positives, then the rest as shown."""
    truth = set(sample.ground_truth)
    ids = [*sample.ground_truth, *(c for c in sample.candidates if c not in truth)]
    titles = [catalog.display_of(i) for i in ids]
    titles = titles[:k] if k else titles
    if fmt == "json":
        return json.dumps(titles, ensure_ascii=False)
    return "\n".join(titles) if fmt == "lines" else SEPARATOR.join(titles)


def export_rows(prompts: "TaskPrompts", fmt: str = "messages") -> list[dict[str, Any]]:
    """One row per sample: the conversation (`messages`, or `prompt` + `completion`) and the
    columns the rbh rewards read (`rbh_recbench.rewards`)."""
    catalog = prompts.catalog
    rows = []
    for sample, messages in zip(prompts.samples, prompts.messages):
        answer = {"role": "assistant", "content": target_text(sample, catalog, prompts.k, prompts.output_format)}
        chat = [dict(m) for m in messages]
        conversation = {"messages": [*chat, answer]} if fmt == "messages" else {"prompt": chat, "completion": [answer]}
        rows.append(
            {
                **conversation,
                "id": sample.id,
                "task": prompts.task.task,
                "dataset": prompts.dataset_spec,
                "domain": sample.domain,
                "subtype": sample.subtype,
                "query": sample.query,
                "k": prompts.k,
                "output_format": prompts.output_format,
                "ground_truth": list(sample.ground_truth),
                "history": list(sample.history),
                "conditions": [{"relation": c.relation, "entity": c.entity} for c in sample.conditions],
            }
        )
    return rows


@dataclass
class ExportReport:
    path: Path
    rows: int
    per_task: dict[str, int] = field(default_factory=dict)


def write_rows(path: Path, rows: Sequence[dict[str, Any]], file_type: str) -> None:
    """Parquet (with an explicit schema, so empty lists and missing k keep their types) or JSONL."""
    if file_type == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    message = pa.struct([("role", pa.string()), ("content", pa.string())])
    text_list = pa.list_(pa.string())
    conversation = (
        [("messages", pa.list_(message))] if "messages" in (rows[0] if rows else {"messages": 1}) else
        [("prompt", pa.list_(message)), ("completion", pa.list_(message))]
    )  # fmt: skip
    schema = pa.schema(
        [
            *conversation,
            ("id", pa.string()),
            ("task", pa.string()),
            ("dataset", pa.string()),
            ("domain", pa.string()),
            ("subtype", pa.string()),
            ("query", pa.string()),
            ("k", pa.int32()),
            ("output_format", pa.string()),
            ("ground_truth", text_list),
            ("history", text_list),
            ("conditions", pa.list_(pa.struct([("relation", pa.string()), ("entity", pa.string())]))),
        ]
    )
    pq.write_table(pa.Table.from_pylist(list(rows), schema=schema), path, compression="zstd")


def export_sft(
    tasks: str,
    out: Path,
    *,
    dataset: str | None = None,
    split: str = "train",
    fmt: str = "messages",
    file_type: str = "parquet",
    history: bool | None = None,
    k: int | None = None,
    limit: float | None = None,
    overwrite: bool = False,
) -> ExportReport:
    """Render every selected task's `split` and write `OUT/{split}.{parquet|jsonl}` (atomically)."""
    from rbh import UsageError, render_task_prompts

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    if file_type not in FILE_TYPES:
        raise UsageError(f"--file-type must be one of {', '.join(FILE_TYPES)}")
    out = Path(out)
    target = out / f"{split}.{file_type}"
    if target.exists() and not overwrite:
        raise UsageError(f"{target} exists (use --overwrite to replace it)")
    rendered = render_task_prompts(tasks, dataset=dataset, split=split, limit=limit, k=k, history=history)
    rows: list[dict[str, Any]] = []
    per_task: dict[str, int] = {}
    for prompts in rendered:
        task_rows = export_rows(prompts, fmt)
        per_task[prompts.task.task] = len(task_rows)
        rows.extend(task_rows)
    if not rows:
        raise UsageError(f"the selected tasks have no samples in split {split!r}")
    out.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    write_rows(partial, rows, file_type)
    partial.replace(target)
    return ExportReport(target, len(rows), per_task)
