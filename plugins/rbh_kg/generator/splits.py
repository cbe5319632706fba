"""Train / validation / test splits, disjoint by user (docs/training.md).

A sample belongs to its user (a demographic sample, which speaks for a profile group, to that
group); each user goes to one split by a seeded hash, in the configured shares, so no user has
samples in two splits and the assignment of a user never depends on the others. A query that
appears with the same ground truth in two splits is then kept only in the later one (test wins
over validation, validation over train): training data never holds a test question verbatim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from rbh import Sample

SPLITS = ("train", "validation", "test")


def owner(sample: Sample) -> str:
    """Who a sample belongs to: its user, else its demographic group, else the sample itself."""
    if sample.user_id is not None:
        return f"user:{sample.user_id}"
    if sample.group:
        return "group:" + "|".join(str(sample.group.get(k)) for k in ("age", "gender", "occupation"))
    return f"sample:{sample.id}"


def split_of(key: str, shares: Sequence[float], seed: int = 0) -> str:
    """The split of one owner: a seeded hash of the key, placed on the cumulative shares."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = sum(shares)
    edge = 0.0
    for split, share in zip(SPLITS, shares):
        edge += share / total
        if point < edge:
            return split
    return SPLITS[-1]


def check_shares(shares: Sequence[float]) -> tuple[float, float, float]:
    """Three non-negative shares with a positive test share, normalised to sum to 1."""
    values = tuple(float(s) for s in shares)
    if len(values) != 3 or any(v < 0 for v in values) or values[2] <= 0:
        raise ValueError("split shares are three non-negative numbers train/validation/test with test > 0")
    total = sum(values)
    return (values[0] / total, values[1] / total, values[2] / total)


def assign_splits(samples: Sequence[Sample], shares: Sequence[float], seed: int = 0) -> dict[str, list[Sample]]:
    """{split: samples} (every split present, samples in input order), disjoint by owner and by
    (query, ground truth)."""
    out: dict[str, list[Sample]] = {s: [] for s in SPLITS}
    for sample in samples:
        out[split_of(owner(sample), shares, seed)].append(sample)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for split in reversed(SPLITS):
        kept = [s for s in out[split] if _question(s) not in seen]
        seen.update(_question(s) for s in kept)
        out[split] = kept
    return out


def _question(sample: Sample) -> tuple[str, tuple[str, ...]]:
    return (sample.query, tuple(sorted(sample.ground_truth)))
