"""Saved runs shared by the results tests: oracle and random over the five movie tasks of the
mini benchmark (slim rows), written once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends.conftest import rbh_main
from tests.conftest import MINI_BENCHMARK, only_run_dir


def make_run(out: Path, model: str, *extra: str, tasks: str = "movie") -> Path:
    """`rbh run` in this process; returns the run folder."""
    code, stdout, stderr = rbh_main(
        "run",
        "--tasks",
        tasks,
        "--model",
        model,
        "--dataset",
        str(MINI_BENCHMARK),
        "--output",
        str(out),
        "--no-cache",
        "--no-progress",
        *extra,
    )
    assert code == 0, stderr
    return only_run_dir(out)


@pytest.fixture(scope="module")
def oracle_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("oracle"), "oracle")


@pytest.fixture(scope="module")
def random_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("random"), "random")
