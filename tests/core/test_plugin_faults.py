"""Plugin faults are contained and named (docs/design.md §4): a plugin's broken task file is skipped with
one warning; a model or scorer that raises on one sample makes that sample an error naming the
plugin — the run completes, is written, and exits 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import install_plugins, make_dataset, only_run_dir, run_cli


@pytest.fixture(scope="module")
def faulty_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The faulty plugin, really pip-installed into a folder put on PYTHONPATH."""
    return install_plugins(tmp_path_factory.mktemp("faulty-site"), "faulty-plugin")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("ds") / "tiny", n_samples=8)


def _env(site: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(site)}


def test_a_broken_plugin_task_file_is_skipped_with_one_warning(faulty_site: Path, dataset: Path, tmp_path: Path) -> None:
    listing = run_cli("list", "tasks", env=_env(faulty_site))
    assert listing.code == 0, listing.err
    warnings = [ln for ln in listing.err.splitlines() if ln.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning: plugin 'faulty'") and "broken_include.yaml" in warnings[0]
    assert "faulty_explicit" in listing.out and "movie_explicit" in listing.out and "faulty_broken" not in listing.out
    assert run_cli("list", "groups", env=_env(faulty_site)).code == 0
    run = run_cli(
        "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(dataset),
        "--output", str(tmp_path / "out"), "--no-progress", env=_env(faulty_site),
    )  # fmt: skip
    assert run.code == 0, run.err


def test_a_model_that_raises_on_one_sample(faulty_site: Path, dataset: Path, tmp_path: Path) -> None:
    result = run_cli(
        "run", "--tasks", "movie_explicit", "--model", "faulty", "--dataset", str(dataset),
        "--output", str(tmp_path / "out"), "--no-progress", env=_env(faulty_site),
    )  # fmt: skip
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    run_dir = only_run_dir(tmp_path / "out")
    results = json.loads((run_dir / "results.json").read_text())
    task = results["tasks"]["movie_explicit"]
    assert [e["id"] for e in task["errors"]] == ["movie-explicit-000003"]
    assert "model faulty (plugin faulty) raised KeyError" in task["errors"][0]["error"]
    assert task["metrics"]["recall"] == {"value": 1.0, "stderr": 0.0, "n": 7}  # the failed sample is not averaged in
    rows = [json.loads(line) for line in (run_dir / "samples" / "movie_explicit.jsonl").open()]
    assert sum(1 for r in rows if r["error"]) == 1 and len(rows) == 8


def test_a_scorer_that_raises_on_one_sample(faulty_site: Path, dataset: Path, tmp_path: Path) -> None:
    result = run_cli(
        "run", "--tasks", "faulty_explicit", "--model", "oracle", "--dataset", str(dataset),
        "--output", str(tmp_path / "out"), "--no-progress", env=_env(faulty_site),
    )  # fmt: skip
    assert result.code == 1, result.err
    results = json.loads((only_run_dir(tmp_path / "out") / "results.json").read_text())
    task = results["tasks"]["faulty_explicit"]
    assert [e["id"] for e in task["errors"]] == ["movie-explicit-000005"]
    assert "scorer faulty_scorer (plugin faulty) raised ZeroDivisionError" in task["errors"][0]["error"]
    assert task["metrics"]["faulty_scorer"]["n"] == 7 and task["metrics"]["recall"]["n"] == 8


def test_a_lifecycle_hook_that_raises_is_contained(faulty_site: Path, dataset: Path, tmp_path: Path) -> None:
    """A tracker plugin whose on_sample_end raises: one warning naming it, it is not called again,
    the run completes and is written (it used to abort before the results existed). A plugin
    command named like a core one is one warning, and the core command runs."""
    env = {**_env(faulty_site), "RBH_FAULTY_HOOKS": "1"}
    result = run_cli(
        "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(dataset),
        "--output", str(tmp_path / "out"), "--no-progress", env=env,
    )  # fmt: skip
    assert result.code == 0, result.err
    warnings = [ln for ln in result.err.splitlines() if ln.startswith("warning:") and "broken_include.yaml" not in ln]
    assert len(warnings) == 2, result.err
    assert "plugin 'faulty' registers the command 'run', which rbh itself has; the plugin's is skipped" in warnings[0]
    assert "plugin 'faulty': on_sample_end raised ConnectionError: tracker unreachable; it is not called again" in warnings[1]
    assert "Traceback" not in result.err and "the faulty plugin's run" not in result.out
    results = json.loads((only_run_dir(tmp_path / "out") / "results.json").read_text())
    assert results["tasks"]["movie_explicit"]["metrics"]["recall"]["n"] == 8
    assert run_cli("--help", env=env).code == 0, "a colliding plugin command does not break --help"
    strict = run_cli(
        "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(dataset),
        "--output", str(tmp_path / "strict"), "--no-progress", env={**env, "RBH_STRICT_PLUGINS": "1"},
    )  # fmt: skip
    assert strict.code == 2 and "plugin 'faulty': on_sample_end raised ConnectionError" in strict.err, strict.err


def test_the_documented_core_command_names_are_core_s() -> None:
    import re

    from rbh.cli.main import COMMANDS
    from tests.conftest import REPO

    doc = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    listed = re.search(r"A command name that\s+rbh already has \(([^)]*)\)", doc)
    assert listed is not None
    assert re.findall(r"`([a-z]+)`", listed.group(1)) == list(COMMANDS)
