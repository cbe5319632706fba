"""A persistent response cache in SQLite (WAL): every completion is stored the moment it
arrives, so re-running an interrupted command resumes it (docs/design.md §11)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rbh.errors import UsageError
from rbh.models.base import Completion

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT,
    completion TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def request_key(parts: Mapping[str, Any]) -> str:
    """Stable hash of everything a completion depends on (backend, model, args, messages...)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def default_cache_path() -> Path:
    """`responses.sqlite` in the user cache folder (`RBH_CACHE_DIR` overrides)."""
    from rbh.paths import cache_dir

    return cache_dir() / "responses.sqlite"


def open_cache(path: Path | None = None) -> "ResponseCache":
    """Open (or create) the response cache; a path that cannot hold one is a one-line usage error."""
    path = Path(path) if path is not None else default_cache_path()
    try:
        return ResponseCache(path)
    except (OSError, sqlite3.Error) as exc:
        raise UsageError(f"cannot use {path} as the response cache: {exc} (choose another with --cache PATH, or --no-cache)") from None


class ResponseCache:
    """Completed (error-free) responses by request key."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False, isolation_level=None)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(_SCHEMA)
            self._conn.execute("SELECT key, backend, model, completion, created FROM responses LIMIT 0")
        except sqlite3.Error:
            self._conn.close()
            raise

    def get_many(self, keys: Iterable[str]) -> dict[str, Completion]:
        """The cached completions among `keys`."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, Completion] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._conn.execute(f"SELECT key, completion FROM responses WHERE key IN ({marks})", chunk):
                    found[key] = Completion.from_dict(json.loads(blob))
        return found

    def put(self, key: str, backend: str, model: str | None, completion: Completion) -> None:
        """Store one completion now (durable on return). Failed completions are not cached."""
        if completion.error is not None:
            return
        blob = json.dumps(completion.to_dict(), ensure_ascii=False)
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses (key, backend, model, completion, created) VALUES (?, ?, ?, ?, ?)",
                (key, backend, model, blob, time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
