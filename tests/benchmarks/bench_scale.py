"""Per-sample cost and memory, whole processes (the median of `--repeat` runs; peak RSS of each):

- the oracle over `recbench` (target ≤ 2.0 s and ≤ 200 MB);
- the oracle over every config and split of rbh-default (about 18,500 samples; ≤ 5 s, ≤ 300 MB);
- bm25 over `recbench` (≤ 6 s);
- with `--sizes`, one synthetic task of 1k, 5k, 20k and 100k samples: how time and memory grow.

    python tests/benchmarks/bench_scale.py [--repeat 3] [--sizes 1000,5000,20000,100000]

Python may cache bytecode here even where the environment says not to (PYTHONDONTWRITEBYTECODE):
a user's installation has its .pyc files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)
"""


def measure(args: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median peak RSS (MB) of `rbh ARGS`, each run in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rbh = str(Path(sys.executable).with_name("rbh"))
    walls, peaks = [], []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _MEASURE, rbh, *args], capture_output=True, text=True, env=env, check=True).stdout
        wall, peak, code = out.split()
        if code != "0":
            raise SystemExit(f"rbh {args[0]} exited {code}")
        walls.append(float(wall))
        peaks.append(float(peak))
    return statistics.median(walls), statistics.median(peaks)


def every_split_tasks(folder: Path) -> str:
    """Task files for every config of rbh-default (robustness ones included) and every split."""
    names = []
    for path in sorted((REPO / "tasks" / "recbench").glob("*/*.yaml")):
        config = path.stem
        if path.parent.name not in ("movie", "book", "robustness") or "_k5" in config or "history" in config:
            continue
        for split in ("train", "validation", "test"):
            task = folder / f"{config}_{split}.yaml"
            task.write_text(f"include: {path}\ntask: {config}_{split}\ndataset: {{name: rbh-default, config: {config}, split: {split}}}\n")
            names.append(str(task))
    return ",".join(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="", help="comma-separated sample counts of a synthetic one-task dataset")
    args = parser.parse_args()

    from tests.conftest import make_dataset

    from rbh_kg.generator.default_dataset import default_dataset_path

    default_dataset_path(progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = ["--no-progress", "--output", str(folder / "out")]
        rows = [
            ("oracle over recbench", ["run", "--tasks", "recbench", "--model", "oracle", *out], 2.0, 200),
            ("oracle over every split", ["run", "--tasks", every_split_tasks(folder), "--model", "oracle", *out], 5.0, 300),
            ("bm25 over recbench", ["run", "--tasks", "recbench", "--model", "bm25", *out], 6.0, None),
        ]
        for label, command, target_s, target_mb in rows:
            wall, peak = measure(command, args.repeat)
            memory = f"  (target {target_mb} MB)" if target_mb else ""
            print(f"{label:<26} {wall:6.2f} s (target {target_s} s)   peak {peak:5.0f} MB{memory}")
        sizes = [int(s) for s in args.sizes.split(",") if s]
        if sizes:
            print(f"\n{'samples':>8} {'wall s':>8} {'ms/sample':>10} {'peak MB':>8}")
        for n in sizes:
            dataset = make_dataset(folder / f"ds{n}", n_samples=n)
            wall, peak = measure(["run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--model", "oracle", *out], args.repeat)
            print(f"{n:>8,} {wall:>8.2f} {wall / n * 1000:>10.3f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
