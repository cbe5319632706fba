"""The dataset format, written (docs/design.md §5): parquet per config and split (`{domain}_{subtype}`
samples, `{domain}_items`, `{domain}_kg`) with fixed schemas and writer settings, and the dataset card
whose YAML `configs:` is what `datasets.load_dataset(DIR, CONFIG)` and `rbh run --dataset DIR`
read (`rbh.data.sources` reads it back). Same rows → the same bytes: no timestamps, fixed options.
Generators and importers build rows; this module owns how they land on disk."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.atomic import atomic_folder

if TYPE_CHECKING:
    from rbh.data.sample import Sample

CARD = "README.md"
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": False,
    "version": "2.6",
    "data_page_version": "1.0",
    "row_group_size": 50_000,
}


def table_kind(config: str) -> str:
    """'items', 'kg' or 'sample' for a config name."""
    return "items" if config.endswith("_items") else "kg" if config.endswith("_kg") else "sample"


def default_split(config: str) -> str:
    """Catalog and KG configs are split `train`; sample configs `test`."""
    return "train" if table_kind(config) in ("items", "kg") else "test"


SPLIT_ORDER = ("train", "validation", "test")

Rows = Sequence[Mapping[str, Any]]
TableRows = Rows | Mapping[str, Rows]  # rows of the config's default split, or rows per split


def table_splits(config: str, table: TableRows) -> dict[str, Rows]:
    """{split: rows} of one table: a plain row list is the config's `default_split`; splits are
    ordered train, validation, test, then any other by name."""
    if isinstance(table, Mapping):
        order = {name: n for n, name in enumerate(SPLIT_ORDER)}
        return {s: table[s] for s in sorted(table, key=lambda s: (order.get(s, len(order)), s))}
    return {default_split(config): table}


def schemas() -> dict[str, Any]:
    """Parquet schemas of the three tables, so empty lists and optional fields keep stable types."""
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
                        [("item_id", pa.string()), ("relation", pa.string()), ("true_entity", pa.string()), ("stated_entity", pa.string())]
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
                        ("theme", pa.list_(pa.struct([("relation", pa.string()), ("entity", pa.string())]))),
                    ]
                ),
            ),
            ("source", pa.string()),
            ("official_id", pa.string()),
            ("ground_truth_titles", text_list),
            ("pair_id", pa.string()),
        ]
    )
    items = pa.schema([("id", pa.string()), ("title", pa.string()), ("year", pa.int32()), ("aliases", text_list)])
    kg = pa.schema([("item_id", pa.string()), ("relation", pa.string()), ("entity", pa.string())])
    return {"sample": sample, "items": items, "kg": kg}


def sample_row(s: "Sample") -> dict[str, Any]:
    """One sample as a table row (`Sample.to_dict()` without the deep copy of `asdict`)."""
    return {
        "id": s.id,
        "domain": s.domain,
        "subtype": s.subtype,
        "query": s.query,
        "query_direct": s.query_direct,
        "conditions": [{"relation": c.relation, "entity": c.entity} for c in s.conditions],
        "bridges": [{"item_id": b.item_id, "relation": b.relation, "entity": b.entity} for b in s.bridges],
        "misinformation": [
            {"item_id": m.item_id, "relation": m.relation, "true_entity": m.true_entity, "stated_entity": m.stated_entity}
            for m in s.misinformation
        ],
        "ground_truth": list(s.ground_truth),
        "user_id": s.user_id,
        "history": list(s.history),
        "group": dict(s.group) if s.group is not None else None,
        "source": s.source,
        "official_id": s.official_id,
        "ground_truth_titles": list(s.ground_truth_titles),
        "pair_id": s.pair_id,
    }


def write_config_table(path: Path, config: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write the rows of one config as parquet with the fixed schema and writer settings."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=schemas()[table_kind(config)])
    pq.write_table(table, path, **PARQUET_OPTIONS)


def card_front_matter(
    title: str,
    configs: Iterable[str] | Mapping[str, Sequence[str]],
    tags: Sequence[str] = ("recommendation", "llm-evaluation", "recbench-plus"),
) -> list[str]:
    """The card's YAML header: a pretty name, tags, and one `configs:` entry per config with a
    `data_files` entry per split (`{config: [split, ...]}`; a bare name has its default split)."""
    splits_of = configs if isinstance(configs, Mapping) else {name: [default_split(name)] for name in configs}
    lines = ["---", f"pretty_name: {title}", "tags:", *(f"- {t}" for t in tags), "configs:"]
    for name, splits in splits_of.items():
        lines += [f"- config_name: {name}", "  data_files:"]
        for split in splits:
            lines += [f"  - split: {split}", f"    path: {name}/{split}.parquet"]
    return [*lines, "---"]


def write_dataset(out: Path, tables: Mapping[str, TableRows], card_body: str, title: str, *, replace: bool = True) -> Path:
    """Write a dataset folder atomically: `CONFIG/SPLIT.parquet` per table and split (a table is
    a row list, written to its config's default split, or `{split: rows}`) and the card (front
    matter from the tables, then `card_body`); returns `out`."""
    out = Path(out)
    splits_of: dict[str, list[str]] = {}
    with atomic_folder(out, replace=replace) as tmp:
        for name, table in tables.items():
            (tmp / name).mkdir()
            for split, rows in table_splits(name, table).items():
                write_config_table(tmp / name / f"{split}.parquet", name, rows)
                splits_of.setdefault(name, []).append(split)
        card = "\n".join(card_front_matter(title, splits_of)) + "\n\n" + card_body.lstrip("\n")
        (tmp / CARD).write_text(card, encoding="utf-8")
    return out
