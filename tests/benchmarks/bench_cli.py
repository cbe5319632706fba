"""Start-up time of `rbh --help` and `rbh list ...` (target < 0.5 s, DESIGN §12).

Run: .venv/bin/python tests/benchmarks/bench_cli.py [repeats]
Prints the median and best wall time of each command, run as a fresh process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = (["--help"], ["list", "tasks"], ["list", "models"], ["list", "scorers"], ["plugins"])
TARGET_S = 0.5


def time_command(args: list[str], repeats: int) -> list[float]:
    rbh = Path(sys.executable).with_name("rbh")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([str(rbh), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    time_command(["--help"], 1)  # warm the file cache
    for args in COMMANDS:
        times = time_command(args, repeats)
        median = statistics.median(times)
        print(
            f"rbh {' '.join(args):<14} median {median:.3f} s  best {min(times):.3f} s  -> {median / TARGET_S:.2f} x the {TARGET_S} s target"
        )


if __name__ == "__main__":
    main()
