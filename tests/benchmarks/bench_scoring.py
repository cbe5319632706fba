"""Benchmark: resolve and score 300,000 recommended titles against a 4,000-item catalog (docs/design.md §12).

Run: `.venv/bin/python tests/benchmarks/bench_scoring.py [--titles 300000] [--items 4000]`.
30,000 responses of 10 titles each: catalog titles as LLMs write them (articles moved, other case,
with or without the year), misspelled catalog titles (fuzzy matches), and titles outside the
catalog; drawn with repetition, as real model outputs repeat popular titles. The whole scoring
pass runs: parsing, resolution, the full metric suite, aggregation with bootstrap, breakdowns.
"""

from __future__ import annotations

import argparse
import random
import string
import time

from rbh.data.catalog import Catalog, Item
from rbh.data.kg import KG, Triple
from rbh.data.sample import Condition, Sample
from rbh.models.base import Completion
from rbh.registry import get_registry
from rbh.scoring.task_scoring import score_task
from rbh.tasks.config import TaskConfig

TARGET_S = 10.0
WORDS = [
    w.strip()
    for w in "love night city dark last man woman house river blood star war king queen return secret time life dead summer "
    "winter road game heart street fire ghost island dream shadow wild lost story black white red blue gold silver iron".split()
]


def make_title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(1, 4)) + ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 8)))]
    rng.shuffle(words)
    title = " ".join(words).title()
    return f"The {title}" if rng.random() < 0.2 else title


def variant(item: Item, rng: random.Random) -> str:
    title = item.title
    roll = rng.random()
    if roll < 0.25 and title.startswith("The "):
        title = f"{title[4:]}, The"
    elif roll < 0.45:
        title = title.upper() if rng.random() < 0.5 else title.lower()
    elif roll < 0.65:  # a typo: one letter dropped
        i = rng.randrange(1, len(title) - 1)
        title = title[:i] + title[i + 1 :]
    return f"{title} ({item.year})" if rng.random() < 0.5 else title


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=300_000)
    parser.add_argument("--items", type=int, default=4_000)
    parser.add_argument("--per-response", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(0)
    items = [Item(str(i), make_title(rng), 1950 + i % 50) for i in range(args.items)]
    catalog = Catalog(items, domain="movie")
    kg = KG(Triple(i.id, "genre", f"g{int(i.id) % 12}") for i in items)
    outside = [make_title(rng) for _ in range(20_000)]
    pool = [variant(rng.choice(items), rng) for _ in range(40_000)] + outside
    n_responses = args.titles // args.per_response
    samples, completions = [], []
    for n in range(n_responses):
        truth = tuple(rng.choice(items).id for _ in range(3))
        conditions = (Condition("genre", f"g{n % 12}"),) + ((Condition("decade", "1970s"),) if n % 3 == 0 else ())
        samples.append(
            Sample(id=f"s{n}", domain="movie", subtype="explicit", query="q", ground_truth=truth, conditions=conditions, history=truth[:1])
        )
        completions.append(Completion(text=" [SEP] ".join(rng.choice(pool) for _ in range(args.per_response))))
    task = TaskConfig.model_validate(
        {
            "task": "bench",
            "dataset": {"config": "movie_explicit"},
            "prompt": {"user": "u.jinja"},
            "metrics": ["recall", "precision", "ndcg", "hit", "cmr", "ftr", "unresolved", "history_repeat"],
        }
    )
    registry = get_registry()
    registry.scorers()  # plugin loading is not part of the measurement
    start = time.perf_counter()
    scores = score_task(task, samples, completions, catalog, kg, registry, k=None)
    total = time.perf_counter() - start
    aggregation = time_aggregation(task, scores, registry)
    scoring = total - aggregation
    titles = sum(len(s.parsed) for s in scores.samples)
    print(
        f"parsed, resolved and scored {titles:,} titles ({n_responses:,} responses) against {len(catalog):,} items "
        f"in {scoring:.2f} s -> {scoring / TARGET_S:.2f} x the {TARGET_S:.0f} s target"
    )
    print(f"aggregation (means, 1,000-resample bootstrap stderr, breakdowns): {aggregation:.2f} s; whole pass {total:.2f} s")
    print("metrics:", {k: round(v.value, 4) for k, v in scores.metrics.items() if v.value is not None})


def time_aggregation(task: TaskConfig, scores: object, registry: object) -> float:
    """Seconds the aggregation step of the pass takes, measured by redoing it on the same values."""
    from rbh.scoring.breakdowns import compute_breakdowns
    from rbh.scoring.task_scoring import build_scorers

    scored = scores.samples  # type: ignore[attr-defined]
    scorers = [s for s, _ in build_scorers(task, registry)]  # type: ignore[arg-type]
    start = time.perf_counter()
    for scorer in scorers:
        scorer.aggregate([s.metrics[scorer.name] for s in scored if scorer.name in s.metrics])
    compute_breakdowns([s.sample for s in scored], [s.metrics for s in scored], scorers)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
