"""Benchmark the generator (docs/design.md §12): the default dataset (≤ 30 s) and condition mining at
MovieLens-1M scale (6,040 users, 1,000,000 interactions, ~3,900 items, ~50,000 triples; ≤ 60 s).

Run: `.venv/bin/python tests/benchmarks/bench_generator.py [--workers 2] [--skip-default]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests.generator.synthetic

from tests.generator.synthetic import Shape, synthetic_inputs  # noqa: E402

from rbh_kg.generator import GeneratorConfig, generate_benchmark
from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.inputs import default_inputs
from rbh_kg.generator.mining import dedupe_history, mine_users


def bench_default(workers: int) -> None:
    t0 = time.perf_counter()
    inputs = [default_inputs(d) for d in ("movie", "book")]
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        _, stats = generate_benchmark(inputs, Path(tmp) / "out", GeneratorConfig(workers=workers))
    t2 = time.perf_counter()
    print(f"default dataset: {t2 - t0:.1f} s (inputs {t1 - t0:.1f} s, generation {t2 - t1:.1f} s; target 30 s)")
    for row in stats.rows():
        print("  " + " ".join(f"{c:>12}" for c in row))


def bench_mining(workers: int) -> None:
    t0 = time.perf_counter()
    inputs = synthetic_inputs(Shape())
    n_interactions = sum(len(h) for h in inputs.histories.values())
    print(
        f"synthetic ML-1M shape: {len(inputs.histories)} users, {n_interactions} interactions, "
        f"{len(inputs.catalog)} items, {len(inputs.kg)} triples (built in {time.perf_counter() - t0:.1f} s)"
    )
    config = GeneratorConfig(workers=workers)
    t1 = time.perf_counter()
    ctx = BuildContext(inputs, config)
    histories = [(u, dedupe_history(inputs.histories[u], ctx.index)) for u in inputs.user_ids()]
    mined = mine_users(histories, ctx.index, config)
    elapsed = time.perf_counter() - t1
    sizes = Counter(c for m in mined for c, sets in m.by_class.items() for _ in sets)
    print(
        f"condition mining: {elapsed:.1f} s with {workers} worker(s) (target 60 s on 2 cores); "
        f"{sum(m.n_closed for m in mined)} closed sets visited, kept per class {dict(sorted(sizes.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-default", action="store_true")
    parser.add_argument("--skip-mining", action="store_true")
    args = parser.parse_args()
    if not args.skip_default:
        bench_default(args.workers)
    if not args.skip_mining:
        bench_mining(args.workers)


if __name__ == "__main__":
    main()
