"""The record of submitted provider batches, in the response cache's database: each batch id with
the request keys it carries is written the moment the provider accepts the batch, before any
waiting, so a re-run (after a crash, SIGKILL or Ctrl-C) polls the same batches instead of paying
for the same requests again. `rbh batches` reads it."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS batches (
        id TEXT PRIMARY KEY,
        backend TEXT NOT NULL,
        model TEXT,
        identity TEXT NOT NULL,
        requests INTEGER NOT NULL,
        state TEXT NOT NULL,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        done INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE TABLE IF NOT EXISTS batch_requests (key TEXT NOT NULL, batch_id TEXT NOT NULL, PRIMARY KEY (key, batch_id))",
    "CREATE INDEX IF NOT EXISTS batch_requests_by_batch ON batch_requests (batch_id)",
)


@dataclass(frozen=True)
class BatchRecord:
    """One submitted batch as recorded: who it is for, its last known state and counts."""

    id: str
    backend: str
    model: str | None
    identity: dict[str, Any]  # the model identity (backend, model, non-secret args) it was sent with
    requests: int
    state: str
    completed: int
    failed: int
    created: float
    updated: float
    done: bool


class BatchStore:
    """Batches and their request keys in SQLite (the response cache's file, or in memory)."""

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            str(path) if path is not None else ":memory:", timeout=30, check_same_thread=False, isolation_level=None
        )
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._conn.execute(statement)

    def record(self, batch_id: str, identity: Mapping[str, Any], keys: Iterable[str]) -> None:
        """Remember a batch the provider accepted and the keys it carries (durable on return)."""
        keys = list(keys)
        now = time.time()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(
                    "INSERT OR REPLACE INTO batches (id, backend, model, identity, requests, state, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?)",
                    (batch_id, identity.get("backend"), identity.get("model"), json.dumps(identity, default=str), len(keys), now, now),
                )
                self._conn.executemany("INSERT OR IGNORE INTO batch_requests (key, batch_id) VALUES (?, ?)", [(k, batch_id) for k in keys])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def in_flight(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """The unfinished batches that carry any of `keys`, with those keys."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, set[str]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT r.key, r.batch_id FROM batch_requests r JOIN batches b ON b.id = r.batch_id "
                    f"WHERE b.done = 0 AND r.key IN ({marks})",
                    chunk,
                )
                for key, batch_id in rows:
                    found.setdefault(batch_id, set()).add(key)
        return found

    def keys(self, batch_id: str) -> set[str]:
        with self._lock:
            return {k for (k,) in self._conn.execute("SELECT key FROM batch_requests WHERE batch_id = ?", (batch_id,))}

    def update(self, batch_id: str, state: str, completed: int, failed: int) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE batches SET state = ?, completed = ?, failed = ?, updated = ? WHERE id = ?",
                (state, completed, failed, time.time(), batch_id),
            )

    def finish(self, batch_id: str) -> None:
        """The batch's results are collected (stored in the cache): forget its keys."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("UPDATE batches SET done = 1, updated = ? WHERE id = ?", (time.time(), batch_id))
            self._conn.execute("DELETE FROM batch_requests WHERE batch_id = ?", (batch_id,))
            self._conn.execute("COMMIT")

    def get(self, batch_id: str) -> BatchRecord | None:
        rows = self.list(include_done=True, batch_id=batch_id)
        return rows[0] if rows else None

    def list(self, include_done: bool = False, batch_id: str | None = None) -> list[BatchRecord]:
        """Recorded batches, newest first (unfinished ones only, unless `include_done`)."""
        sql = "SELECT id, backend, model, identity, requests, state, completed, failed, created, updated, done FROM batches"
        where, params = [], []
        if not include_done:
            where.append("done = 0")
        if batch_id is not None:
            where.append("id = ?")
            params.append(batch_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = list(self._conn.execute(sql + " ORDER BY created DESC", params))
        return [BatchRecord(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10])) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
