"""Two `rbh run` processes of the same evaluation sharing one response cache: how many requests
reach the server (target: N, and at most N + the requests in flight when one is killed).

    python tests/benchmarks/bench_shared_cache.py [--n 1500] [--latency 0.2] [--concurrency 64] [--kill-after 0.3]

Both processes start together over a synthetic dataset of N samples against a counting server;
`--kill-after F` SIGKILLs the first once F·N answers are cached, and the second must finish
alone. Without the claims in the cache database each process would pay for every request (2·N).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--kill-after", type=float, default=None, help="SIGKILL the first process once this share of answers is cached")
    args = parser.parse_args()

    from tests.conftest import cached_count, make_dataset
    from tests.servers.llm_server import LLMServer

    tmp = Path(tempfile.mkdtemp(prefix="rbh-bench-shared-"))
    server = LLMServer(latency=args.latency).start()
    try:
        dataset, cache = make_dataset(tmp / "ds", n_samples=args.n), tmp / "shared.sqlite"
        env = {**os.environ, "BENCH_KEY": "unused"}

        def command(out: str) -> list[str]:
            return [
                sys.executable, "-m", "rbh.cli.main", "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress",
                "--model", "openai:fake", "--model-args", f"base_url={server.url}/v1,api_key_env=BENCH_KEY",
                "--concurrency", str(args.concurrency), "--cache", str(cache), "--output", str(tmp / out),
            ]  # fmt: skip

        start = time.perf_counter()
        first = subprocess.Popen(command("a"), env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        second = subprocess.Popen(command("b"), env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.kill_after is not None:
            while cached_count(cache) < args.kill_after * args.n and first.poll() is None:
                time.sleep(0.01)
            first.kill()
        codes = first.wait(), second.wait()
        wall = time.perf_counter() - start
        sent = len(server.log)
        ideal = args.n * args.latency / args.concurrency
        print(f"N={args.n} L={args.latency}s C={args.concurrency}, two processes, one cache{' (first killed)' if args.kill_after else ''}")
        print(f"  exit codes                 {codes}")
        print(
            f"  requests sent              {sent:,} (target {args.n:,}{f' + up to {args.concurrency} in flight' if args.kill_after else ''}; 2·N = {2 * args.n:,} without claims)"
        )
        print(f"  answered twice             {len(server.duplicates())}")
        print(f"  wall time                  {wall:.2f}s (one process alone: ideal {ideal:.2f}s)")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
