"""Failed samples grouped by cause, so the console says why ('3 × HTTP 429 …'), not just how many."""

from __future__ import annotations

from collections.abc import Sequence

from rbh.results.model import RunResults

EXAMPLES = 3


def failure_causes(results: RunResults, top: int = 8) -> list[tuple[int, str, Sequence[str]]]:
    """(count, cause, example sample ids) per distinct error, most frequent first."""
    groups: dict[str, list[str]] = {}
    for task in results.tasks.values():
        for error in task.errors:
            groups.setdefault(error.error, []).append(error.id)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(len(ids), cause, ids[:EXAMPLES]) for cause, ids in ranked[:top]]
