"""Metric breakdowns: the same aggregation over subsets of samples (docs/design.md §8.3).

Dimensions: `n_conditions`, `relation` (a sample counts once per relation of its conditions),
`misinformed_relation` (the relation a misinformed query states wrongly),
the demographic attributes `age`, `gender`, `occupation`, `group` (a demographic group such
as "25-34 / Male", or an interest group's pattern), and for rank tasks `positive_position` (where
the first positive was shown: 1-5, 6-10, ...). A dimension with a single group is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbh.data.sample import Sample
    from rbh.scoring.base import Scorer

ATTRIBUTES = ("age", "gender", "occupation")


def sample_groups(sample: "Sample") -> dict[str, list[str]]:
    """The breakdown groups one sample belongs to, by dimension."""
    out: dict[str, list[str]] = {}
    if sample.conditions:
        n = sample.n_conditions
        out["n_conditions"] = [str(n) if n < 3 else "3+"]
        out["relation"] = sorted({c.relation for c in sample.conditions})
    if sample.misinformation:
        out["misinformed_relation"] = sorted({m.relation for m in sample.misinformation})
    group = dict(sample.group or {})
    for attribute in ATTRIBUTES:
        if group.get(attribute) not in (None, ""):
            out[attribute] = [str(group[attribute])]
    label = group_label(group)
    if label:
        out["group"] = [label]
    if sample.candidates:
        truth = set(sample.ground_truth)
        first = next((i for i, item in enumerate(sample.candidates) if item in truth), None)
        if first is not None:
            low = first // POSITION_BUCKET * POSITION_BUCKET + 1
            out["positive_position"] = [f"{low}-{low + POSITION_BUCKET - 1}"]
    return out


POSITION_BUCKET = 5  # rank tasks: positions shown, in buckets of 5


def group_label(group: Mapping[str, Any]) -> str:
    """'25-34 / Male' for a demographic group, the pattern (or users) for an interest group."""
    parts = [str(group[a]) for a in ATTRIBUTES if group.get(a) not in (None, "")]
    if parts:
        return " / ".join(parts)
    if group.get("pattern"):
        return str(group["pattern"])
    users = group.get("users")
    return ",".join(str(u) for u in users) if users else ""


def compute_breakdowns(
    samples: Sequence["Sample"],
    metrics: Sequence[Mapping[str, float | None]],
    scorers: Iterable["Scorer"],
    seed: int = 0,
) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """{dimension: {group: {metric: {value, stderr, n}}}} using each scorer's own aggregation."""
    members: dict[str, dict[str, list[int]]] = {}
    for index, sample in enumerate(samples):
        for dimension, groups in sample_groups(sample).items():
            for group in groups:
                members.setdefault(dimension, {}).setdefault(group, []).append(index)
    scorers = [s for s in scorers if s.breakdown]
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for dimension in sorted(members):
        if len(members[dimension]) < 2:
            continue  # one group holding every sample repeats the overall metrics
        table: dict[str, dict[str, dict[str, Any]]] = {}
        for group in sorted(members[dimension], key=_natural):
            rows = [metrics[i] for i in members[dimension][group]]
            cell: dict[str, dict[str, Any]] = {}
            for scorer in scorers:
                values = [row[scorer.metric] for row in rows if scorer.metric in row]
                if values:
                    cell.update({name: mv.to_dict() for name, mv in scorer.aggregate(values, seed).items()})
            if cell:
                table[group] = cell
        if table:
            out[dimension] = table
    return out


def _natural(label: str) -> tuple[int, str]:
    head = label.split("-")[0].split(" ")[0].rstrip("+")
    return (int(head), label) if head.isdigit() else (10_000, label)
