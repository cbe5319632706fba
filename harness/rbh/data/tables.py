"""Tables on disk, whatever their format: rows of CSV, JSONL, parquet and MovieLens `.dat` files
(`read_table`, `read_dat`, `read_dat_lines`), columns of CSV and parquet (`read_columns`), and
rows written as JSONL or parquet (`write_table`). A broken line names file:line."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from rbh.data.sources import read_rows
from rbh.errors import DataError

# Id columns (first match wins in the loaders), read as text from CSV so "007" stays "007".
USER_COLUMNS = ("user_id", "userId", "UserID", "user")
ITEM_COLUMNS = ("item_id", "itemId", "movieId", "MovieID", "book_id", "item")


def read_columns(path: Path) -> dict[str, list[Any]]:
    """A CSV or parquet file as {column: values} (id columns read as text)."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        elif suffix == ".csv":
            import pyarrow as pa
            import pyarrow.csv as pcsv

            as_text = {name: pa.string() for name in USER_COLUMNS + ITEM_COLUMNS}
            table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types=as_text))
        else:
            raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv, .jsonl or .parquet)")
    except DataError:
        raise
    except Exception as exc:  # pyarrow raises several types for malformed files
        raise DataError(f"{path}: cannot read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    return {name: table.column(name).to_pylist() for name in table.column_names}


def read_table(path: Path, dat_columns: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows of a .csv, .jsonl, .parquet or `::`-separated .dat file (whose columns are
    `dat_columns`); a broken JSONL or .dat line names file:line."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".dat" and dat_columns:
        return read_dat(path, dat_columns)
    if suffix in (".parquet", ".jsonl", ".json"):
        return read_rows(path)
    if suffix == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv, .jsonl or .parquet)")


def read_dat(path: Path, columns: Sequence[str]) -> list[dict[str, Any]]:
    """A MovieLens `.dat` file (`::` separators; UTF-8, else latin-1 per line) as row dicts."""
    rows = []
    for lineno, parts in read_dat_lines(path):
        if len(parts) < len(columns) - 1:
            raise DataError(f"{path}:{lineno}: expected {len(columns)} '::'-separated fields ({'::'.join(columns)})")
        rows.append(dict(zip(columns, parts)))
    return rows


def read_dat_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Non-empty lines of a `.dat` file split on '::', with their line numbers (UTF-8, else latin-1)."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    for lineno, raw in enumerate(path.read_bytes().splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        yield lineno, line.rstrip("\r").split("::")


def write_table(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write rows as JSONL or parquet (by suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([dict(r) for r in rows]), path)
    else:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
