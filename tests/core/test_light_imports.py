"""`rbh --help` and `rbh list ...` must not import heavy libraries (docs/design.md §3)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "vllm", "datasets", "openai", "anthropic", "pyarrow", "bm25s")

_PROBE = f"""
import contextlib, io, json, sys
from rbh.cli.main import main
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
print(json.dumps({{"code": code, "heavy": heavy}}))
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["list", "tasks"], ["list", "models"], ["list", "scorers"], ["list", "datasets"], ["list", "generators"], ["plugins"]],
)
def test_no_heavy_imports(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert report["heavy"] == [], f"`rbh {' '.join(args)}` imported {report['heavy']}"
