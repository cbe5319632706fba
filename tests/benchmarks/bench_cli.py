"""Start-up: `rbh --help`, `rbh list ...` and `rbh plugins` (target ≤ 0.3 s each), and a 32-sample
oracle run of rbh-default, whole process (target ≤ 0.8 s).

Run: .venv/bin/python tests/benchmarks/bench_cli.py [repeats]
Prints the median and best wall time of each command, run as a fresh process after one warm-up
run (rbh-default is built first if needed). Python may cache bytecode here even where the
environment says not to (PYTHONDONTWRITEBYTECODE): a user's installation has its .pyc files.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: tuple[tuple[list[str], float], ...] = (
    (["--help"], 0.3),
    (["list", "tasks"], 0.3),
    (["list", "models"], 0.3),
    (["list", "scorers"], 0.3),
    (["plugins"], 0.3),
    (["run", "--tasks", "movie_explicit", "--model", "oracle", "--limit", "32", "--no-progress"], 0.8),
)


def time_command(args: list[str], repeats: int, env: dict[str, str]) -> list[float]:
    rbh = Path(sys.executable).with_name("rbh")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([str(rbh), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as out:
        for args, target in COMMANDS:
            if args[0] == "run":
                args = [*args, "--output", out]
            time_command(args, 1, env)  # warm the file cache (and build rbh-default on first use)
            times = time_command(args, repeats, env)
            median = statistics.median(times)
            label = " ".join(args[:6])
            print(f"rbh {label:<58} median {median:.3f} s  best {min(times):.3f} s  target {target} s  -> {median / target:.2f} x")


if __name__ == "__main__":
    main()
