"""Benchmark: the position probe on a deliberately position-biased local model, against a
content-based one (the bm25 baseline), on `rbh-default`.

Run: `.venv/bin/python -m tests.benchmarks.bench_position_bias [--orders reversed,shuffled,positive_first,positive_last] [--attention 10] [--limit N]`.
The biased model (`tests/servers/rankers.py`, `primacy`) is an OpenAI-compatible server on
127.0.0.1 that knows every list's positive but reads only the first `attention` candidates: a
positive shown there goes first, otherwise it echoes the list as shown. Every task of the `rank`
group is probed with `--orders`. Printed, per model: per order ndcg@10, position_corr and
copy_error (the macro mean over tasks), the paired changes given − other with their 95%
intervals (pooled over the probed tasks' samples), and ndcg@10 by where the positive was shown.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path
from statistics import mean

from tests.servers.llm_server import LLMServer
from tests.servers.rankers import primacy

import rbh
from rbh.runner.task_prompts import render_task_prompts
from rbh.scoring.paired import scoped_drops

RANK_TASKS = [f"{d}_{s}_rank" for d in ("movie", "book") for s in ("explicit", "implicit", "misinformed", "interest", "demographics")]


def positives_by_query(tasks: str, limit: str | None) -> dict[str, set[str]]:
    """query -> the display titles of the positives of every list asking it (what the model is told)."""
    known: dict[str, set[str]] = defaultdict(set)
    for prompts in render_task_prompts(tasks, limit=None if limit is None else float(limit)):
        for sample in prompts.samples:
            known[sample.query].update(prompts.catalog[g].display for g in sample.ground_truth)
    return known


def probe_tasks(folder: Path, orders: list[str]) -> Path:
    """One task file per rank task, probed in `orders`."""
    for name in RANK_TASKS:
        (folder / f"{name}_probe.yaml").write_text(f"include: {name}\ntask: {name}_probe\nposition_probe: [{', '.join(orders)}]\n")
    return folder


def report(label: str, results: rbh.Results, orders: list[str]) -> None:
    run = results.results
    by_order: dict[str, list[dict[str, float | None]]] = defaultdict(list)
    buckets: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for task in run.tasks.values():
        order = task.config["candidates"]["order"]
        by_order[order].append(
            {m: (task.metrics[m].value if m in task.metrics else None) for m in ("ndcg@10", "position_corr", "copy_error")}
        )
        for bucket, cell in task.breakdowns.get("positive_position", {}).items():
            if "ndcg@10" in cell and cell["ndcg@10"].value is not None:
                buckets[bucket].append((cell["ndcg@10"].value, cell["ndcg@10"].n))
    print(f"\n{label}: {len(run.tasks)} tasks")
    print(f"{'order':<16}{'ndcg@10':>9}{'position_corr':>15}{'copy_error':>12}")
    for order in ["given", *orders]:
        rows = by_order[order]
        cells = [mean(v for r in rows if (v := r[m]) is not None) for m in ("ndcg@10", "position_corr", "copy_error")]
        print(f"{order:<16}{cells[0]:>9.3f}{cells[1]:>15.3f}{cells[2]:>12.3f}")
    # the changes, pooled over every probed task's samples (scope "all")
    gathered: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(dict)
    for task_name, rows in results.samples.items():
        order = run.tasks[task_name].config["candidates"]["order"]
        probed = run.tasks[task_name].config["position_probe_of"]
        for row in rows:
            gathered[(probed, row.id)][order] = {m: v for m, v in row.metrics.items() if v is not None}
    per_pair = list(gathered.values())
    for d in scoped_drops({"all": per_pair}, [("given", o) for o in orders], 0, 1000):
        if d.metric in ("ndcg@10", "position_corr"):
            print(f"change {d.metric:<14} given − {d.target:<15} {d.drop:+.4f} [{d.low:+.4f}, {d.high:+.4f}] over {d.pairs} lists")
    print("ndcg@10 by the positive's shown position (all orders):")
    for bucket in sorted(buckets, key=lambda b: int(b.split("-")[0])):
        cells = buckets[bucket]
        n = sum(k for _, k in cells)
        print(f"  {bucket:>6}: {sum(v * k for v, k in cells) / n:.3f} ({n} lists)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", default="reversed,shuffled,positive_first,positive_last")
    parser.add_argument("--attention", type=int, default=10)
    parser.add_argument("--limit", default=None)
    args = parser.parse_args()
    orders = args.orders.split(",")
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as out:
        tasks = str(probe_tasks(Path(folder), orders))
        server = LLMServer(responder=primacy(positives_by_query(tasks, args.limit), attention=args.attention), api_key="sk-local").start()
        try:
            common = {"use_cache": False, "output": out, "limit": args.limit}
            biased = rbh.evaluate(tasks, "openai:primacy", model_args=f"base_url={server.url}/v1,api_key=sk-local", **common)
            report(f"position-biased model (reads the first {args.attention} candidates)", biased, orders)
            report("bm25 baseline (content only)", rbh.evaluate(tasks, "bm25", **common), orders)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
