"""Choosing which samples of each task a run evaluates: `--sample-ids`, `--shuffle` (seeded, so
every model gets the same subset), `--limit N` or a fraction, then `--shard I/N` — in that
order, deterministically, so shards of one selection merge back into exactly that selection."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rbh.errors import UsageError

if TYPE_CHECKING:
    from rbh.data.sample import Sample

S = TypeVar("S", bound="Sample")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (0-based) of `count`: a contiguous slice of each task's selected samples."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class Selection:
    """The sample selection of a run (recorded in results.json)."""

    limit: float | None = None  # N samples (>= 1) or a fraction (0 < f < 1)
    sample_ids: tuple[str, ...] | None = None
    shuffle: bool = False
    seed: int = 0
    shard: Shard | None = None

    def apply(self, task: str, samples: Sequence[S]) -> list[S]:
        """The samples of one task this run evaluates, in a deterministic order."""
        chosen = list(samples)
        if self.sample_ids is not None:
            wanted = set(self.sample_ids)
            chosen = [s for s in chosen if s.id in wanted or (s.official_id is not None and s.official_id in wanted)]
        if self.shuffle:
            chosen.sort(key=lambda s: _rank(self.seed, s.id))
        if self.limit is not None:
            n = int(self.limit) if self.limit >= 1 else max(1, round(self.limit * len(chosen))) if chosen else 0
            chosen = chosen[:n]
        if self.shard is not None:
            start = self.shard.index * len(chosen) // self.shard.count
            stop = (self.shard.index + 1) * len(chosen) // self.shard.count
            chosen = chosen[start:stop]
        return chosen

    def record(self) -> dict[str, object]:
        """What results.json says about the selection."""
        return {
            "limit": self.limit,
            "sample_ids": len(self.sample_ids) if self.sample_ids is not None else None,
            "shuffle": self.shuffle,
            "seed": self.seed,
            "shard": str(self.shard) if self.shard else None,
        }


def _rank(seed: int, sample_id: str) -> str:
    """A seeded order that does not depend on the dataset's order or size: the same sample gets
    the same rank in every run, so `--shuffle --limit N` picks the same subset for every model."""
    return hashlib.sha256(f"{seed}:{sample_id}".encode()).hexdigest()


def parse_limit(text: str | None) -> float | None:
    """'200' -> 200 samples; '0.1' -> a tenth of each task."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"--limit {text!r}: give a number of samples (200) or a fraction (0.1)") from None
    if value <= 0 or (value >= 1 and value != int(value)):
        raise UsageError(f"--limit {text!r}: give a positive number of samples (200) or a fraction between 0 and 1 (0.1)")
    return value


def parse_shard(text: str | None) -> Shard | None:
    """'0/4' -> Shard(0, 4)."""
    if text is None:
        return None
    head, sep, tail = text.partition("/")
    try:
        index, count = int(head), int(tail)
    except ValueError:
        index = count = -1
    if not sep or count < 1 or not 0 <= index < count:
        raise UsageError(f"--shard {text!r}: expected I/N with 0 <= I < N, e.g. 0/4")
    return Shard(index, count)


def parse_sample_ids(text: str | None) -> tuple[str, ...] | None:
    """'id1,id2' or '@file' (one id per line, '#' comments)."""
    if text is None:
        return None
    if text.startswith("@"):
        path = Path(text[1:]).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"--sample-ids {text}: cannot read {path}: {exc.strerror}") from None
        ids = [ln.split("#", 1)[0].strip() for ln in lines]
    else:
        ids = [part.strip() for part in text.split(",")]
    ids = [i for i in ids if i]
    if not ids:
        raise UsageError(f"--sample-ids {text}: no sample id given")
    return tuple(dict.fromkeys(ids))
