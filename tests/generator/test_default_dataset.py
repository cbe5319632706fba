"""`rbh-default` and `rbh generate` on the shipped data: counts, determinism, oracle recall 1.0."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tests.conftest import only_run_dir, run_cli

SUBTYPES = ("explicit", "implicit", "misinformed", "interest", "demographics")


def _folder(cache: Path) -> Path:
    (folder,) = [p for p in (cache / "datasets").iterdir() if p.name.startswith("rbh-default-")]
    return folder


def test_default_dataset_has_every_subtype(default_cache):
    folder = _folder(default_cache)
    for subtype in SUBTYPES:
        movie = pq.read_table(folder / f"movie_{subtype}" / "test.parquet").num_rows
        book = pq.read_table(folder / f"book_{subtype}" / "test.parquet").num_rows
        assert movie >= 500, (subtype, movie)
        assert book > 0, (subtype, book)


def test_generate_cli_matches_the_default_build_byte_for_byte(default_cache, tmp_path):
    out = tmp_path / "movie"
    result = run_cli("generate", "--domain", "movie", "--out", str(out), "--no-progress", "--workers", "2")
    assert result.code == 0, result.err
    assert "generated samples" in result.out
    default = _folder(default_cache)
    for path in sorted(out.rglob("*.parquet")):
        rel = path.relative_to(out)
        assert path.read_bytes() == (default / rel).read_bytes(), rel


def test_oracle_recall_is_one_on_rbh_default(default_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    result = run_cli("run", "--tasks", "explicit", "--model", "oracle", "--output", str(tmp_path), "--no-progress")
    assert result.code == 0, result.err
    run = only_run_dir(tmp_path)
    results = json.loads((run / "results.json").read_text())
    assert set(results["tasks"]) == {"movie_explicit", "book_explicit"}
    for task, data in results["tasks"].items():
        assert data["metrics"]["recall"]["value"] == 1.0, task
        assert data["metrics"]["precision"]["value"] == 1.0, task
        assert data["counts"]["samples"] >= 500 if task.startswith("movie") else data["counts"]["samples"] > 0


def test_fingerprint_follows_the_data(monkeypatch, tmp_path):
    from rbh_kg.generator import default_dataset

    data = tmp_path / "movie.jsonl"
    data.write_text("one\n")
    monkeypatch.setattr(default_dataset, "_inputs_files", lambda: [data])
    first = default_dataset.fingerprint()
    assert default_dataset.fingerprint() == first
    data.write_text("two\n")
    assert default_dataset.fingerprint() != first
    monkeypatch.setattr(default_dataset, "GENERATOR_VERSION", "999")
    assert default_dataset.fingerprint() != first


def test_registered_as_a_dataset_and_generator():
    from rbh.registry import get_registry

    registry = get_registry()
    assert registry.dataset("rbh-default") is not None
    assert registry.generator("kg").obj.__name__ == "KGGenerator"


def test_generate_cli_usage_errors(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = run_cli("generate", "--domain", "movie", "--out", str(tmp_path / "full"))
    assert result.code == 2 and "exists and is not empty" in result.err
    result = run_cli("generate", "--domain", "movie", "--kg", "k.csv", "--out", str(tmp_path / "o"))
    assert result.code == 2 and "--interactions" in result.err
    result = run_cli("generate", "--domain", "movie", "--limit-users", "0", "--out", str(tmp_path / "o"))
    assert result.code == 2
