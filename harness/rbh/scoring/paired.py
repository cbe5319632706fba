"""Paired robustness drops: samples sharing a `pair_id` are one request asked as an explicit, an
implicit and a misinformed query; the drop of a metric from one version to the next is the mean
over pairs of the per-pair difference, with a paired bootstrap 95% interval (pairs resampled)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rbh.scoring.bootstrap import DEFAULT_BOOTSTRAP

if TYPE_CHECKING:
    from rbh.results.model import PairedDrop
    from rbh.scoring.task_scoring import TaskScores

STEPS = (("explicit", "implicit"), ("implicit", "misinformed"), ("explicit", "misinformed"))


class PairedValues:
    """The per-pair metric values of a run's tasks, gathered one task at a time (a run lets go
    of each task's scores once they are written): {pair_id: {subtype: {metric: mean}}}."""

    def __init__(self) -> None:
        self._sums: dict[tuple[str, str], dict[str, list[float]]] = {}
        self._domains: dict[str, str] = {}

    def add(self, task: "TaskScores") -> None:
        """The answered samples of one task that belong to a pair (repeats are averaged later)."""
        for row in task.samples:
            pair = row.sample.pair_id
            if pair is None or row.completion.error is not None:
                continue
            self._domains[pair] = row.sample.domain
            cell = self._sums.setdefault((pair, row.sample.subtype), {})
            for metric, value in row.metrics.items():
                if value is not None:
                    cell.setdefault(metric, []).append(float(value))

    def values(self) -> dict[str, dict[str, dict[str, float]]]:
        out: dict[str, dict[str, dict[str, float]]] = {}
        for (pair, subtype), cell in self._sums.items():
            out.setdefault(pair, {})[subtype] = {m: sum(v) / len(v) for m, v in cell.items()}
            out[pair]["_domain"] = {self._domains[pair]: 0.0}
        return out

    def drops(self, seed: int = 0, n_boot: int = DEFAULT_BOOTSTRAP) -> list["PairedDrop"]:
        return _drops(self.values(), seed, n_boot)


def pair_values(scores: Iterable["TaskScores"]) -> dict[str, dict[str, dict[str, float]]]:
    """{pair_id: {subtype: {metric: value}}} over answered samples (a sample's repeats averaged)."""
    gathered = PairedValues()
    for task in scores:
        gathered.add(task)
    return gathered.values()


def paired_drops(scores: Iterable["TaskScores"], seed: int = 0, n_boot: int = DEFAULT_BOOTSTRAP) -> list["PairedDrop"]:
    """Per scope (each domain, and `all` when there are several), metric and step (explicit →
    implicit, implicit → misinformed, explicit → misinformed): the mean drop `from - to` over the
    pairs where both versions have the metric, and its paired bootstrap 95% interval."""
    return _drops(pair_values(scores), seed, n_boot)


def _drops(pairs: Mapping[str, Mapping[str, Mapping[str, float]]], seed: int, n_boot: int) -> list["PairedDrop"]:
    if not pairs:
        return []
    by_scope: dict[str, list[Mapping[str, Mapping[str, float]]]] = {}
    for versions in pairs.values():
        domain = next(iter(versions["_domain"]))
        by_scope.setdefault(domain, []).append(versions)
    if len(by_scope) > 1:
        by_scope["all"] = list(pairs.values())
    return scoped_drops(by_scope, STEPS, seed, n_boot)


def scoped_drops(
    by_scope: Mapping[str, Sequence[Mapping[str, Mapping[str, float]]]], steps: Sequence[tuple[str, str]], seed: int, n_boot: int
) -> list["PairedDrop"]:
    """Per scope (`all` last), metric and step (a, b): the mean over the scope's pairs of the
    paired difference `a − b`, where both versions have the metric, with a paired bootstrap 95%
    interval (pairs resampled; none for a single pair)."""
    import numpy as np

    from rbh.results.model import PairedDrop

    out = []
    for scope in sorted(by_scope, key=lambda s: (s == "all", s)):
        members = by_scope[scope]
        versions = {v for step in steps for v in step}
        metrics = sorted({m for v in members for s in versions for m in v.get(s, {})})
        for metric in metrics:
            for a, b in steps:
                diffs = [v[a][metric] - v[b][metric] for v in members if metric in v.get(a, {}) and metric in v.get(b, {})]
                if not diffs:
                    continue
                arr = np.asarray(diffs)
                low = high = None
                if len(arr) >= 2:
                    rng = np.random.default_rng(seed)
                    means = arr[rng.integers(0, len(arr), size=(n_boot, len(arr)))].mean(axis=1)
                    low, high = (float(q) for q in np.percentile(means, [2.5, 97.5]))
                out.append(
                    PairedDrop(scope=scope, metric=metric, source=a, target=b, drop=float(arr.mean()), low=low, high=high, pairs=len(arr))
                )
    return out


class PositionValues:
    """The per-sample metric values of a run's position probes (a rank task run as given,
    reversed, shuffled, ...: `position_probe`), gathered one task at a time:
    {(task probed, sample id): {order: {metric: mean over repeats}}}."""

    def __init__(self) -> None:
        self._sums: dict[tuple[str, str], dict[str, dict[str, list[float]]]] = {}

    def add(self, config: Mapping[str, Any], task: "TaskScores") -> None:
        probed = config.get("position_probe_of")
        if not probed:
            return
        order = str((config.get("candidates") or {}).get("order", "given"))
        for row in task.samples:
            if row.completion.error is not None:
                continue
            cell = self._sums.setdefault((str(probed), row.sample.id), {}).setdefault(order, {})
            for metric, value in row.metrics.items():
                if value is not None:
                    cell.setdefault(metric, []).append(float(value))

    def shifts(self, seed: int = 0, n_boot: int = DEFAULT_BOOTSTRAP) -> list["PairedDrop"]:
        """Per task probed, metric and other order: the mean paired change `given − other` with
        its 95% interval (scope: the task probed)."""
        from rbh.tasks.config import CANDIDATE_ORDERS

        by_scope: dict[str, list[dict[str, dict[str, float]]]] = {}
        for (probed, _), orders in self._sums.items():
            means = {order: {m: sum(v) / len(v) for m, v in cell.items()} for order, cell in orders.items()}
            by_scope.setdefault(probed, []).append(means)
        shown = {order for orders in self._sums.values() for order in orders}
        steps = [("given", order) for order in CANDIDATE_ORDERS[1:] if order in shown]
        return scoped_drops(by_scope, steps, seed, n_boot)
