"""Claims on in-flight requests in the response cache's database, so that processes sharing one
cache (a job array, two terminals running the same evaluation) pay for each request once.

Before a process sends the requests the cache does not hold, it claims their keys in one
transaction; keys another live process has claimed are not sent but waited for: they arrive in
the cache as that process stores its answers. A claim lives as long as its holder: every process
beats a heartbeat row every few seconds, and a claim whose holder has not beaten for `lease_s`
(or, on the same host, whose process is gone) is taken over. A holder releases a key as soon as
it is settled, answered or failed, so a failure elsewhere is retried here.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, since REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS claimants (owner TEXT PRIMARY KEY, beat REAL NOT NULL)",
)
LEASE_S = 30.0  # a holder silent this long has died (its heartbeat is every LEASE_S / 6)
RELEASE_EVERY_S = 1.0  # settled keys are released together, at most this late
_RELEASE_ROWS = 1_000


class Claims:
    """This process's claims in the cache database at `path` (its own connection and heartbeat)."""

    def __init__(self, path: Path, lease_s: float = LEASE_S):
        self.lease_s = lease_s
        self.host = socket.gethostname()
        self.owner = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lock = threading.Lock()
        self._released: list[str] = []
        self._last_release = time.monotonic()
        self._conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA synchronous=NORMAL")  # a claim need not survive a power cut: no fsync per release
        for statement in _SCHEMA:
            self._conn.execute(statement)
        self._beat()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._heartbeat, name="rbh-claims-heartbeat", daemon=True)
        self._thread.start()

    # -- claiming -------------------------------------------------------------------------------
    def claim(self, keys: Sequence[str]) -> tuple[list[str], list[str]]:
        """Claim the keys nobody alive holds and the cache does not hold: (claimed, left) — left
        are held by another live process or answered meanwhile (the caller waits for them)."""
        mine: list[str] = []
        left: list[str] = []
        with self._transaction() as conn:
            answered = _present(conn, "responses", keys)
            holders = {key: str(owner) for key, owner in _rows(conn, "SELECT key, owner FROM claims WHERE key IN ({})", keys)}
            alive = self._alive(conn, set(holders.values()))
            for key in keys:
                holder = holders.get(key)
                if key in answered or (holder is not None and holder != self.owner and holder in alive):
                    left.append(key)
                else:
                    mine.append(key)
            conn.executemany(
                "INSERT OR REPLACE INTO claims (key, owner, since) VALUES (?, ?, ?)", [(k, self.owner, time.time()) for k in mine]
            )
        return mine, left

    def release(self, keys: Iterable[str]) -> None:
        """Let go of settled keys (answered ones are in the cache by now; failed ones may be tried
        elsewhere). Releases are written together, at most `RELEASE_EVERY_S` late: a process
        waiting for a key looks in the cache first, so only a failed key waits that long."""
        with self._lock:
            self._released.extend(keys)
            if len(self._released) >= _RELEASE_ROWS or time.monotonic() - self._last_release >= RELEASE_EVERY_S:
                self._write_releases()

    def flush(self) -> None:
        """Write the pending releases now."""
        with self._lock:
            self._write_releases()

    def _write_releases(self) -> None:  # under the lock
        rows, self._released = [(k, self.owner) for k in self._released], []
        self._last_release = time.monotonic()
        if rows:
            self._conn.executemany("DELETE FROM claims WHERE key = ? AND owner = ?", rows)

    def close(self) -> None:
        """Stop beating and release every claim of this process."""
        self._stop.set()
        self._thread.join(timeout=5)
        with self._lock:
            self._conn.execute("DELETE FROM claims WHERE owner = ?", (self.owner,))
            self._conn.execute("DELETE FROM claimants WHERE owner = ?", (self.owner,))
            self._conn.close()

    # -- liveness -------------------------------------------------------------------------------
    def _alive(self, conn: sqlite3.Connection, owners: set[str]) -> set[str]:
        """The holders among `owners` that beat within the lease and, on this host, still run."""
        owners.discard(self.owner)
        beats = {owner: float(beat) for owner, beat in _rows(conn, "SELECT owner, beat FROM claimants WHERE owner IN ({})", sorted(owners))}  # type: ignore[arg-type]
        now = time.time()
        return {o for o, beat in beats.items() if now - beat < self.lease_s and self._runs(o)} | {self.owner}

    def _runs(self, owner: str) -> bool:
        parts = owner.split(":")  # host:pid:nonce
        if len(parts) < 3 or ":".join(parts[:-2]) != self.host:
            return True  # another host: only its heartbeat can tell
        try:
            os.kill(int(parts[-2]), 0)
        except ProcessLookupError:
            return False
        except (PermissionError, ValueError):
            return True
        return True

    def _beat(self) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO claimants (owner, beat) VALUES (?, ?)", (self.owner, time.time()))

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.lease_s / 6):
            try:
                self._beat()
                if self._released:
                    self.flush()
            except sqlite3.Error:  # a locked or vanished database: try again at the next beat
                continue

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._conn, self._lock)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT under the connection's lock (claims are read and written atomically)."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock):
        self.conn, self.lock = conn, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.conn

    def __exit__(self, kind: object, *rest: object) -> None:
        try:
            self.conn.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            self.lock.release()


def _rows(conn: sqlite3.Connection, query: str, keys: Sequence[str]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        out.extend(conn.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall())
    return out


def _present(conn: sqlite3.Connection, table: str, keys: Sequence[str]) -> set[str]:
    return {str(k) for k, _ in _rows(conn, f"SELECT key, 1 FROM {table} WHERE key IN ({{}})", keys)}
