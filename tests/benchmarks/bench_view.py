"""Run-folder size, report size and time to interactive for a full `recbench` run (≈20,000 samples).

Run: .venv/bin/python tests/benchmarks/bench_view.py [WORKDIR] [MODEL ...]
Runs each MODEL (default: oracle bm25 popularity random) over `--tasks recbench` on the embedded
`rbh-default` dataset (built on first use), once more for the first model with `--log-samples full`,
then prints: the run-folder sizes (slim vs full), the size of `rbh view`'s HTML for the first run,
its time to interactive in headless Chromium (navigation start until the report is ready, median of
5 loads), and the `rbh compare` table of all the runs (Markdown).
Targets: report ≤ 30 MB, interactive within 3 s; run folder ≤ 20 MB by default.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def rbh(*args: str) -> str:
    exe = Path(sys.executable).with_name("rbh")
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"rbh {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return proc.stdout


def run(work: Path, model: str, *extra: str) -> Path:
    out = work / (model + "".join(extra).replace("-", "_"))
    if not out.exists():
        start = time.perf_counter()
        rbh("run", "--tasks", "recbench", "--model", model, "--output", str(out), "--no-progress", "--no-cache", *extra)
        print(f"{model} {' '.join(extra)}: ran in {time.perf_counter() - start:.1f} s", flush=True)
    return next(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def time_to_interactive(report: Path, loads: int = 5) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for _ in range(loads):
            page = browser.new_page()
            page.goto(report.as_uri(), wait_until="commit")
            page.wait_for_selector("body[data-ready='1']", timeout=60_000)
            times.append(page.evaluate("() => performance.now()") / 1000)  # ms since navigation start
            page.close()
        browser.close()
    return times


def main() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="rbh-bench-view-"))
    models = sys.argv[2:] or ["oracle", "bm25", "popularity", "random"]
    runs = [run(work, m) for m in models]
    full = run(work, models[0], "--log-samples", "full")
    samples = sum(1 for f in (runs[0] / "samples").iterdir() for _ in f.open())
    print(f"samples in one run: {samples}")
    print(f"run folder, --log-samples full (the old form): {folder_mb(full):.1f} MB")
    print(f"run folder, default (slim):                    {folder_mb(runs[0]):.1f} MB")
    report = work / "report.html"
    start = time.perf_counter()
    rbh("view", str(runs[0]), "--out", str(report))
    print(f"rbh view: {time.perf_counter() - start:.1f} s to build; report {report.stat().st_size / 1e6:.1f} MB")
    tti = time_to_interactive(report)
    print(f"time to interactive (headless Chromium, {len(tti)} loads): median {statistics.median(tti):.2f} s, best {min(tti):.2f} s")
    both = work / "report-2.html"
    rbh("view", str(runs[0]), str(runs[1]), "--out", str(both))
    tti2 = time_to_interactive(both, 3)
    print(f"two-run report: {both.stat().st_size / 1e6:.1f} MB, interactive in {statistics.median(tti2):.2f} s (median)")
    print()
    print(
        rbh("compare", *map(str, runs), "--format", "markdown", "--columns", "explicit,implicit,misinformed,interest,demographics,overall")
    )


if __name__ == "__main__":
    main()
