"""Benchmark of interactive tasks against the local fake server (in its own process):

1. time per turn: N conversations (movie + book explicit interactive, test split) with an
   assistant that never finds anything (the server's titles are not in the catalog), so every
   conversation runs all `max_turns` turns; each turn is N requests at latency L with concurrency
   C. Prints the wall time per turn beside the ideal N·L/C and what the harness adds per turn
   (simulator, scoring and writing included).
2. leak rate: the `llm` simulator played by a model that names a ground-truth title in a share
   of the replies it writes (`--leak-share`; the assistant quotes each request back, so no two
   conversations ask the simulator for the same reply); prints the measured `leak_rate` and the
   flagged conversations.

    python tests/benchmarks/bench_interactive.py [--n 1000] [--latency 0.2] [--concurrency 64] [--leak-share 0.3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def start_server(latency: float, script: str = "") -> tuple[subprocess.Popen[str], int]:
    code = script or f"from tests.servers.llm_server import LLMServer, serve_forever; serve_forever(LLMServer(latency={latency}).start())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def rbh(*args: str) -> None:
    from rbh.cli.main import main

    code = main(list(args))
    if code:
        raise SystemExit(f"rbh {' '.join(args)} exited {code}")


def per_turn(n: int, latency: float, concurrency: int) -> None:
    proc, port = start_server(latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            half = str(n // 2)
            t0 = time.perf_counter()
            rbh(
                "run", "--tasks", "movie_explicit_interactive,book_explicit_interactive", "--limit", half, "--no-progress",
                "--model", "openai:fake", "--model-args", f"base_url=http://127.0.0.1:{port}/v1,api_key=x,concurrency={concurrency}",
                "--no-cache", "--output", tmp,
            )  # fmt: skip
            wall = time.perf_counter() - t0
            (run,) = Path(tmp).iterdir()
            tasks = json.loads((run / "results.json").read_text())["tasks"]
            turns = max(int(t["config"]["max_turns"]) for t in tasks.values())
            calls = sum(t["counts"]["model_calls"] for t in tasks.values())
            conversations = sum(t["counts"]["samples"] for t in tasks.values())
    finally:
        proc.terminate()
    ideal = conversations * latency / concurrency  # one turn of every conversation (both tasks)
    print(f"{conversations} conversations × {turns} turns = {calls} requests at {latency * 1000:.0f} ms, concurrency {concurrency}")
    print(f"  wall {wall:.1f} s = {wall / turns:.2f} s per turn; ideal N·L/C {ideal:.2f} s per turn; ratio {wall / turns / ideal:.2f}")
    print(
        f"  harness time beyond the ideal: {(wall - turns * ideal) / turns:.2f} s per turn ({(wall - turns * ideal) / calls * 1000:.2f} ms per request)"
    )


LEAKY = """
import random
from tests.servers.llm_server import LLMServer, Reply, serve_forever
TITLES = {titles!r}
RNG = random.Random(0)
def respond(route, body):
    prompt = body["messages"][-1]["content"]
    if "Draft of your reply" not in prompt:  # the assistant: a question that quotes the request (every prompt differs)
        opening = next(m["content"] for m in body["messages"] if m["role"] == "user")
        return Reply("You said: " + opening[:80].replace('"', "'") + "... What mood are you in?")
    draft = prompt.split('Draft of your reply: "', 1)[1].split('"\\n', 1)[0]
    if RNG.random() < {share}:
        return Reply(draft + " Maybe something like " + " or ".join(TITLES) + "?")
    return Reply(draft)
serve_forever(LLMServer(responder=respond).start())
"""


def leak_rate(share: float, n: int) -> None:
    """The `llm` simulator against a model that leaks in `share` of its attempts."""
    from rbh.data import load_dataset
    from rbh_kg.generator.default_dataset import default_dataset_path

    bench = load_dataset(default_dataset_path(progress=False))
    catalog = bench.catalog("movie")
    titles = sorted({catalog[i].title for s in bench.samples("movie_explicit")[:n] for i in s.ground_truth})
    proc, port = start_server(0.0, LEAKY.format(titles=titles, share=share))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            task = Path(tmp) / "task.yaml"
            task.write_text(
                f"include: {REPO / 'tasks/recbench/interactive/_interactive.yaml'}\ntask: leaky\n"
                "dataset: {name: rbh-default, config: movie_explicit, split: test}\n"
                f"simulator: {{name: llm, options: {{model: 'openai:user', model_args: 'base_url=http://127.0.0.1:{port}/v1,api_key=x'}}}}\n",
                encoding="utf-8",
            )
            rbh(
                "run", "--tasks", str(task), "--limit", str(n), "--no-progress", "--no-cache", "--output", tmp,
                "--model", "openai:assistant", "--model-args", f"base_url=http://127.0.0.1:{port}/v1,api_key=x",
            )  # fmt: skip
            run = next(p for p in Path(tmp).iterdir() if p.is_dir())
            metrics = json.loads((run / "results.json").read_text())["tasks"]["leaky"]["metrics"]
            rows = [json.loads(line) for line in (run / "samples" / "leaky.jsonl").read_text().splitlines()]
    finally:
        proc.terminate()
    flagged = sum(r["conversation"]["flagged"] for r in rows)
    print(f"llm simulator, a model that leaks in {share:.0%} of its attempts: leak_rate {metrics['leak_rate']['value']:.3f} "
          f"(± {metrics['leak_rate']['stderr']:.3f}, {metrics['leak_rate']['n']} conversations); flagged {flagged}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--leak-share", type=float, default=0.3)
    parser.add_argument("--leak-n", type=int, default=200)
    args = parser.parse_args()
    per_turn(args.n, args.latency, args.concurrency)
    leak_rate(args.leak_share, args.leak_n)


if __name__ == "__main__":
    main()
