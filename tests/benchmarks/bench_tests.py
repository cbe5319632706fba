"""The README's test command, timed as a whole (target ≤ 5 min on a 2-core machine, idle).

Run: .venv/bin/python tests/benchmarks/bench_tests.py
Reads the command from the README's opening block (the line that runs pytest), runs it from the
repository root, and prints its wall time against the target with pytest's own last line.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET_S = 300.0


def readme_test_command() -> str:
    """The README's test command: the line of its first code block that runs pytest."""
    block = re.search(r"```bash\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    lines = [line for line in (block.group(1).splitlines() if block else []) if "pytest" in line]
    if not lines:
        raise SystemExit("README.md: no pytest line in the opening code block")
    return lines[0].strip()


def main() -> None:
    command = readme_test_command()
    print(f"$ {command}", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, shell=True, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(last)
    print(f"wall {wall:.0f} s (target {TARGET_S:.0f} s) -> {wall / TARGET_S:.2f} x   exit {done.returncode}")
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
