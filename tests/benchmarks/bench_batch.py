"""Benchmark: a 20,000-request `rbh run --batch` against the local batch server (docs/design.md §12:
client peak memory ≤ 300 MB, client overhead ≤ 10 s beyond the server's own processing).

    python tests/benchmarks/bench_batch.py [--n 20000] [--backend openai|anthropic] [--poll 0.05]

The server runs in a process of its own and reports the time it spent answering the batch's
lines (`/stats`). The client is the real `rbh run --batch` in a subprocess (start-up, planning,
rendering, building and uploading the JSONL, polling, downloading and parsing the results,
caching and scoring every sample, writing the run folder); its peak RSS is read from
`getrusage(RUSAGE_CHILDREN)` right after it exits, while the server still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--backend", choices=("openai", "anthropic"), default="openai")
    parser.add_argument("--poll", type=float, default=0.05, help="batch_poll seconds")
    args = parser.parse_args()

    from tests.conftest import make_dataset

    tmp = Path(tempfile.mkdtemp(prefix="rbh-bench-batch-"))
    dataset = make_dataset(tmp / "ds", n_samples=args.n)
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.batch_server", "--polls-per-state", "1"], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/v1" if args.backend == "openai" else base
        env = {**os.environ, "RBH_CACHE_DIR": str(tmp / "cache"), "BENCH_KEY": "sk-bench"}
        command = [
            sys.executable, "-m", "rbh.cli.main", "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress",
            "--output", str(tmp / "out"), "--batch", "--model", f"{args.backend}:bench-model",
            "--model-args", f"base_url={url},api_key_env=BENCH_KEY,batch_poll={args.poll},price_in=0.15,price_out=0.6",
        ]  # fmt: skip
        t0 = time.perf_counter()
        client = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if client.returncode != 0:
            sys.exit(f"rbh run --batch failed ({client.returncode}): {client.stderr[-2000:]}")
        with urllib.request.urlopen(f"{base}/stats") as response:
            stats = json.loads(response.read())
        run = next(p for p in (tmp / "out").iterdir() if p.is_dir())
        results = json.loads((run / "results.json").read_text())
        counts = results["tasks"]["movie_explicit"]["counts"]
        polls_idle = 4 * args.poll  # validating, in_progress, finalizing: one poll each, then completed
        print(f"requests                    {args.n:,} ({args.backend}, {stats['created']} batch(es), {stats['submitted']:,} lines)")
        print(f"samples / model calls       {counts['samples']:,} / {counts['model_calls']:,}, errors {counts['errors']}")
        print(f"client wall time            {wall:.2f} s (process start to exit)")
        print(f"server processing           {stats['processing_s']:.2f} s")
        print(f"poll waits (idle)           {polls_idle:.2f} s")
        print(f"client overhead             {wall - stats['processing_s'] - polls_idle:.2f} s (target ≤ 10 s)")
        print(f"client peak memory (RSS)    {peak_mb:.0f} MB (target ≤ 300 MB)")
        print(f"cost in results.json        ${results['cost']['usd']:.4f} ({results['cost']['batch_calls']:,} at batch prices)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
