"""Benchmark: what the ranking, beyond-accuracy and diagnosis metrics (task-level metrics with
their bootstrap, per-relation breakdowns) add to scoring a full `recbench`-sized run.

Run: `.venv/bin/python tests/benchmarks/bench_beyond_accuracy.py [--samples 20000] [--per-response 5] [--tasks 9]`.
20,000 responses of 5 titles (100,000 titles) against a 4,000-item catalog, split into 9 tasks
like the recbench group; every sample has conditions, a 20-item history and a third are
misinformed. Each task is scored twice — with the paper's metrics only, then with the new ones
too, after a first pass that resolves every title (resolution is memoized) — and the difference
is the added cost (target: ≤ 2 s in all).
"""

from __future__ import annotations

import argparse
import random
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
RELATIONS = ("genre", "directed_by", "starring", "release_year")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--per-response", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=9)
    parser.add_argument("--items", type=int, default=4_000)
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
    base_s = full_s = 0.0
    for t in range(args.tasks):
        part, answers = samples[t * size : (t + 1) * size], completions[t * size : (t + 1) * size]
        timings = {}
        for label, metrics in (("warm", BASE), ("base", BASE), ("full", BASE + NEW)):
            task = TaskConfig.model_validate(
                {"task": f"bench{t}", "dataset": {"config": "movie_explicit"}, "prompt": {"user": "u.jinja"}, "metrics": metrics}
            )
            scorers = build_scorers(task, registry)
            start = time.perf_counter()
            score_task(task, part, answers, catalog, kg, scorers, k=None, population=part)
            timings[label] = time.perf_counter() - start  # "warm" resolves every title once (memoized after)
        base_s += timings["base"]
        full_s += timings["full"]
    added = full_s - base_s
    titles = args.samples * args.per_response
    print(f"{args.samples:,} responses, {titles:,} titles, {args.tasks} tasks, {len(catalog):,} catalog items")
    print(f"scoring with the paper's metrics: {base_s:.2f} s; with the {len(NEW)} new metrics too: {full_s:.2f} s")
    print(
        f"added by the new metrics (task-level bootstrap and breakdowns included): {added:.2f} s -> {added / TARGET_S:.2f} x the {TARGET_S:.0f} s target"
    )


if __name__ == "__main__":
    main()
