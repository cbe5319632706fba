"""The real wheel, installed into a fresh venv, runs `rbh run --model oracle` offline and finds
its shipped tasks and templates (no source checkout on the path).

The fresh venv reads rbh's dependencies from this environment's site-packages (a `.pth` line:
a plain path, so the editable checkout's own `.pth` hooks stay inert) and pip installs the wheel
alone into it: what is tested is the wheel, not the 40 s of re-installing pyarrow and datasets."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import MINI_BENCHMARK, REPO


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (whl,) = dist.glob("recbench_harness-*.whl")
    return whl


def test_wheel_contents(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "rbh/_shipped/tasks/recbench/movie/movie_explicit.yaml" in names
    assert "rbh/_shipped/templates/recommend/user.jinja" in names
    assert "rbh/py.typed" in names
    assert any(n.startswith("rbh_baselines/") for n in names)
    assert not any(n.startswith(("tests/", "harness/", "plugins/")) for n in names)


def _fresh_venv(env_dir: Path) -> list[str]:
    """A new venv whose path holds this environment's dependencies; returns the pip command that
    installs into it."""
    venv.EnvBuilder(with_pip=False).create(env_dir)
    (target,) = (env_dir / "lib").glob("python*/site-packages")
    (target / "rbh_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "-q"]


def test_wheel_in_fresh_venv_runs_offline(wheel: Path, tmp_path: Path, default_cache: Path) -> None:
    env_dir = tmp_path / "venv"
    pip = _fresh_venv(env_dir)
    py = env_dir / "bin" / "python"
    install = subprocess.run([*pip, "--no-deps", str(wheel)], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", RBH_CACHE_DIR=str(tmp_path / "cache"))
    rbh = env_dir / "bin" / "rbh"
    where = subprocess.run(
        [str(py), "-c", "import rbh, rbh.paths; print(rbh.__file__); print(rbh.paths.shipped_dir('tasks'))"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert str(env_dir) in where.stdout and "_shipped" in where.stdout, where.stdout
    listing = subprocess.run([str(rbh), "list", "tasks"], capture_output=True, text=True, cwd=work, env=env)
    assert listing.returncode == 0 and "movie_misinformed" in listing.stdout
    run = subprocess.run(
        [str(rbh), "run", "--tasks", "explicit", "--model", "oracle", "--dataset", str(MINI_BENCHMARK), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    (run_dir,) = (work / "results").iterdir()
    results = json.loads((run_dir / "results.json").read_text())
    assert results["tasks"]["movie_explicit"]["metrics"]["recall"]["value"] == 1.0

    # The embedded default dataset: the wheel hashes its own shipped KGs, users, generator code and
    # templates to the checkout's fingerprint (so it ships every input, byte for byte), and then
    # finds the build this session made (tests/generator/test_default_dataset.py tests the build).
    import shutil

    from rbh_kg.generator.default_dataset import fingerprint

    wheel_print = subprocess.run(
        [str(py), "-c", "from rbh_kg.generator.default_dataset import fingerprint; print(fingerprint())"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert wheel_print.stdout.strip() == fingerprint(), wheel_print.stderr
    shutil.copytree(default_cache / "datasets", tmp_path / "cache" / "datasets")
    for model in ("oracle", "bm25"):
        out = work / model
        run = subprocess.run(
            [str(rbh), "run", "--tasks", "explicit", "--model", model, "--output", str(out), "--no-progress"],
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=900,
        )
        assert run.returncode == 0, run.stderr
        (run_dir,) = out.iterdir()
        tasks = json.loads((run_dir / "results.json").read_text())["tasks"]
        for name in ("movie_explicit", "book_explicit"):
            recall = tasks[name]["metrics"]["recall"]["value"]
            assert "rbh-default" in tasks[name]["dataset"]["spec"]
            if model == "oracle":
                assert recall == 1.0, (name, recall)
            else:
                assert 0.0 < recall < 1.0, (name, recall)

    # A third-party plugin that depends on `recbench-harness` installs next to the wheel (pip finds
    # the requirement satisfied) and is loaded by the installed rbh.
    plugin = subprocess.run(
        [*pip, "--no-build-isolation", str(REPO / "tests" / "fixtures" / "example-plugin")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert plugin.returncode == 0, plugin.stderr[-2000:]
    plugins = subprocess.run([str(rbh), "plugins"], capture_output=True, text=True, cwd=work, env=env)
    assert plugins.returncode == 0 and "rbh-example" in plugins.stdout and "command:echo-prompt" in plugins.stdout, plugins.stdout
