"""Benchmark: what the ranking, beyond-accuracy and diagnosis metrics (task-level metrics with
their bootstrap, per-relation breakdowns) add to scoring a full `recbench`-sized run.

Run: `.venv/bin/python tests/benchmarks/bench_beyond_accuracy.py [--samples 20000] [--per-response 5] [--tasks 9] [--rounds 5] [--families]`.
20,000 responses of 5 titles (100,000 titles) against a 4,000-item catalog, split into 9 tasks
like the recbench group; every sample has conditions, a 20-item history and a third are
misinformed. After a first pass that resolves every title (resolution is memoized), every task
is scored with the paper's metrics only and with the new ones too, in interleaved rounds; the
median difference is the added cost (target: ≤ 2 s in all). `--families` also times each family
of new metrics alone on top of the paper's.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time

from rbh.data.catalog import Catalog, Item
from rbh.data.kg import KG, Triple
from rbh.data.sample import Condition, Misinformation, Sample
from rbh.models.base import Completion
from rbh.registry import get_registry
from rbh.scoring.task_scoring import build_scorers, score_task
from rbh.tasks.config import TaskConfig

TARGET_S = 2.0
BASE = ["recall", "precision", "ndcg", "hit", "cmr", "ftr", "unresolved", "correction"]
NEW = ["mrr", "map", "duplicate_rate", "coverage", "gini", "entropy", "arp", "popularity_lift", "long_tail_share", "novelty"]
NEW += ["condition_satisfaction", "premise_following"]
FAMILIES = {
    "ranking": ["mrr", "map", "duplicate_rate"],
    "exposure": ["coverage", "gini", "entropy"],
    "popularity": ["arp", "popularity_lift", "long_tail_share", "novelty"],
    "diagnosis": ["condition_satisfaction", "premise_following"],
}
RELATIONS = ("genre", "directed_by", "starring", "release_year")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--per-response", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=9)
    parser.add_argument("--items", type=int, default=4_000)
    parser.add_argument("--rounds", type=int, default=5, help="scoring rounds; the figures are medians")
    parser.add_argument("--families", action="store_true", help="also time each family of new metrics alone")
    args = parser.parse_args()
    rng = random.Random(0)
    items = [Item(str(i), f"Film {i} of {rng.choice(['Night', 'Day', 'Sea', 'Road'])}", 1950 + i % 60) for i in range(args.items)]
    catalog = Catalog(items, domain="movie")
    weights = [1 / (i + 1) ** 0.8 for i in range(args.items)]  # a long-tailed popularity
    kg = KG(Triple(i.id, r, f"{r}{(int(i.id) * (n + 3)) % 40}") for i in items for n, r in enumerate(RELATIONS))
    samples, completions = [], []
    for n in range(args.samples):
        truth = tuple(it.id for it in rng.choices(items, weights, k=3))
        history = tuple(it.id for it in rng.choices(items, weights, k=20))
        conditions = tuple(Condition(r, f"{r}{rng.randrange(40)}") for r in rng.sample(RELATIONS, rng.randint(1, 3)))
        misinformed = n % 3 == 0
        mis = (Misinformation(truth[0], conditions[0].relation, conditions[0].entity, f"{conditions[0].relation}{rng.randrange(40)}"),)
        samples.append(
            Sample(
                id=f"s{n}",
                domain="movie",
                subtype="misinformed" if misinformed else "explicit",
                query="q",
                ground_truth=truth,
                conditions=conditions,
                misinformation=mis if misinformed else (),
                history=history,
            )  # fmt: skip
        )
        titles = [it.title for it in rng.choices(items, weights, k=args.per_response)]
        completions.append(Completion(text=" [SEP] ".join(titles)))
    registry = get_registry()
    registry.scorers()
    size = -(-args.samples // args.tasks)
    parts = [(samples[t * size : (t + 1) * size], completions[t * size : (t + 1) * size]) for t in range(args.tasks)]
    families = {"all new": NEW} | (FAMILIES if args.families else {})
    runs = {"paper": BASE} | {label: BASE + metrics for label, metrics in families.items()}
    tasks = {label: [_task(t, metrics) for t in range(args.tasks)] for label, metrics in runs.items()}
    built = {label: [build_scorers(task, registry) for task in ts] for label, ts in tasks.items()}

    def score_all(label: str) -> float:
        total = 0.0
        for t, (part, answers) in enumerate(parts):
            gc.collect()
            start = time.perf_counter()
            score_task(tasks[label][t], part, answers, catalog, kg, built[label][t], k=None, population=part)
            total += time.perf_counter() - start
        return total

    score_all("paper")  # resolves every title once (memoized after)
    seconds: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(args.rounds):  # interleaved, so that a slow moment of the machine hits both sides
        for label in runs:
            seconds[label].append(score_all(label))
    base = statistics.median(seconds["paper"])
    titles = args.samples * args.per_response
    print(
        f"{args.samples:,} responses, {titles:,} titles, {args.tasks} tasks, {len(catalog):,} catalog items; median of {args.rounds} rounds"
    )
    print(f"scoring with the paper's metrics: {base:.2f} s")
    for label, metrics in families.items():
        full = statistics.median(seconds[label])
        added = statistics.median(f - b for f, b in zip(seconds[label], seconds["paper"]))
        print(
            f"+ {label} ({len(metrics)} metrics): {full:.2f} s, added {added:.2f} s -> {added / TARGET_S:.2f} x the {TARGET_S:.0f} s target"
        )


def _task(t: int, metrics: list[str]) -> TaskConfig:
    return TaskConfig.model_validate(
        {"task": f"bench{t}", "dataset": {"config": "movie_explicit"}, "prompt": {"user": "u.jinja"}, "metrics": metrics}
    )


if __name__ == "__main__":
    main()
