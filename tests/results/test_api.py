"""The Python API: the documented example in docs/results.md runs as written, and `evaluate`
gives what `rbh run` gives."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import rbh
from tests.conftest import MINI_BENCHMARK, REPO


def _api_example() -> str:
    doc = (REPO / "docs" / "results.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The Python API") :]
    return re.findall(r"```python\n(.*?)```", section, re.S)[0]


def test_documented_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    os.symlink(MINI_BENCHMARK, tmp_path / "tests" / "fixtures" / "mini-benchmark")
    monkeypatch.chdir(tmp_path)
    exec(compile(_api_example(), "docs/results.md", "exec"), {})
    out = capsys.readouterr().out
    assert "| **overall** (micro) | 20 |" in out and "movie_implicit    1.0" in out


def test_evaluate_is_rbh_run(tmp_path: Path) -> None:
    results = rbh.evaluate(tasks=["movie_interest"], model="random", model_args={"seed": 3}, dataset=MINI_BENCHMARK, output=tmp_path, k=5)
    saved = json.loads((results.run_dir / "results.json").read_text())
    assert saved["model"]["args"]["seed"] == 3 and saved["tasks"]["movie_interest"]["effective"]["k"] == 5
    assert results.metric("movie_interest", "recall") == saved["tasks"]["movie_interest"]["metrics"]["recall"]["value"]
    loaded = rbh.load_run(results.run_dir / "results.json")
    assert loaded.records() == results.records() and len(loaded.sample_records()) == 10
    assert loaded.table("csv") == (results.run_dir / "results.csv").read_text()
    with pytest.raises(rbh.UsageError, match="unknown task"):
        rbh.evaluate(tasks="nope", model="oracle", dataset=MINI_BENCHMARK, output=tmp_path)
