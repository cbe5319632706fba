"""Parquet schemas of the dataset tables (samples, items, KG), so empty lists and optional
fields keep stable column types whatever the rows hold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    text_list = pa.list_(pa.string())
    sample = pa.schema(
        [
            ("id", pa.string()),
            ("domain", pa.string()),
            ("subtype", pa.string()),
            ("query", pa.string()),
            ("query_direct", pa.string()),
            ("conditions", pa.list_(pa.struct([("relation", pa.string()), ("entity", pa.string())]))),
            ("bridges", pa.list_(pa.struct([("item_id", pa.string()), ("relation", pa.string()), ("entity", pa.string())]))),
            (
                "misinformation",
                pa.list_(
                    pa.struct(
                        [
                            ("item_id", pa.string()),
                            ("relation", pa.string()),
                            ("true_entity", pa.string()),
                            ("stated_entity", pa.string()),
                        ]
                    )
                ),
            ),
            ("ground_truth", text_list),
            ("user_id", pa.string()),
            ("history", text_list),
            (
                "group",
                pa.struct(
                    [
                        ("age", pa.string()),
                        ("gender", pa.string()),
                        ("occupation", pa.string()),
                        ("users", text_list),
                        ("pattern", pa.string()),
                    ]
                ),
            ),
            ("source", pa.string()),
            ("official_id", pa.string()),
            ("ground_truth_titles", text_list),
        ]
    )
    items = pa.schema([("id", pa.string()), ("title", pa.string()), ("year", pa.int32()), ("aliases", text_list)])
    kg = pa.schema([("item_id", pa.string()), ("relation", pa.string()), ("entity", pa.string())])
    return {"sample": sample, "items": items, "kg": kg}


def write_table(path: Path, config: str, rows: Sequence[dict[str, Any]]) -> None:
    """Write rows of a `{domain}_{subtype}`, `{domain}_items` or `{domain}_kg` config."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kind = "items" if config.endswith("_items") else "kg" if config.endswith("_kg") else "sample"
    pq.write_table(pa.Table.from_pylist(list(rows), schema=_schemas()[kind]), path)
