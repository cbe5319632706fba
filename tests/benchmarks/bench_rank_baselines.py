"""Benchmark: the baselines on the candidate-ranking tasks of `rbh-default`, per negative strategy.

Run: `.venv/bin/python tests/benchmarks/bench_rank_baselines.py [--metric ndcg@10] [--limit N]`.
For each negative strategy (random, popular, bm25, kg) every baseline (oracle, random,
popularity, bm25) ranks the lists of the `rank` group (both domains, five subtypes, test split);
printed: the group's macro mean of the metric per baseline and strategy, with the analytic chance
level (a uniformly random ordering) beside the simulated random row, then each task's value for
bm25 and popularity, and the popularity probe (top_popular_share against candidate_popular_share).
"""

from __future__ import annotations

import argparse
import tempfile
import time

import rbh

STRATEGIES = ("random", "popular", "bm25", "kg")
BASELINES = ("oracle", "random", "popularity", "bm25")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--metric", default="ndcg@10")
    parser.add_argument("--limit", default=None)
    args = parser.parse_args()
    table: dict[tuple[str, str], float | None] = {}
    per_task: dict[tuple[str, str, str], float | None] = {}
    chance: dict[str, float] = {}
    shares: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    with tempfile.TemporaryDirectory() as out:
        for strategy in STRATEGIES:
            for model in BASELINES:
                start = time.perf_counter()
                results = rbh.evaluate("rank", model, negatives=strategy, use_cache=False, output=out, log_samples="none", limit=args.limit)
                row = results.results.groups["rank"].metrics
                table[(model, strategy)] = row[args.metric].value if args.metric in row else None
                levels = []
                for name, task in results.results.tasks.items():
                    metric = task.metrics.get(args.metric)
                    per_task[(model, strategy, name)] = metric.value if metric else None
                    if task.candidates is not None and args.metric in task.candidates.chance:
                        levels.append(task.candidates.chance[args.metric])
                if levels:  # the same lists' sizes whatever the baseline: the macro mean as the group's
                    chance[strategy] = sum(levels) / len(levels)
                top, listed = row.get("top_popular_share"), row.get("candidate_popular_share")
                shares[(model, strategy)] = (top.value if top else None, listed.value if listed else None)
                print(f"  {model:<10} {strategy:<8} {time.perf_counter() - start:5.1f} s", flush=True)
    tasks = sorted({name for _, _, name in per_task})

    def fmt(value: float | None) -> str:
        return "   —  " if value is None else f"{value:6.3f}"

    print(f"\n{args.metric}, rank group (macro over {len(tasks)} tasks), by negative strategy")
    print(f"{'baseline':<22}" + "".join(f"{s:>9}" for s in STRATEGIES))
    for model in BASELINES:
        print(f"{model:<22}" + "".join(f"   {fmt(table[(model, s)])}" for s in STRATEGIES))
    print(f"{'chance (analytic)':<22}" + "".join(f"   {fmt(chance.get(s))}" for s in STRATEGIES))
    for model in ("bm25", "popularity"):
        print(f"\n{model}: {args.metric} per task")
        print(f"{'task':<26}" + "".join(f"{s:>9}" for s in STRATEGIES))
        for name in tasks:
            print(f"{name:<26}" + "".join(f"   {fmt(per_task[(model, s, name)])}" for s in STRATEGIES))
    print("\npopularity probe: top_popular_share / candidate_popular_share (rank group)")
    for model in BASELINES:
        print(f"{model:<22}" + "".join(f"   {fmt(shares[(model, s)][0])}/{fmt(shares[(model, s)][1]).strip()}" for s in STRATEGIES))


if __name__ == "__main__":
    main()
