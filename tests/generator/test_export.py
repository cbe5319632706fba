"""Export: byte-identical folders, loadable with `datasets` and by `rbh run --dataset`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh_kg.generator import generate_benchmark
from tests.conftest import only_run_dir, run_cli


@pytest.fixture(scope="module")
def exported(small_inputs, small_config, tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("export")
    a, _ = generate_benchmark([small_inputs], root / "a", small_config)
    b, _ = generate_benchmark([small_inputs], root / "b", small_config)
    return a, b


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_inputs_and_seed_give_identical_bytes(exported):
    a, b = exported
    files_a = _files(a)
    assert files_a == _files(b)
    assert {"README.md", "movie_items/train.parquet", "movie_kg/train.parquet", "movie_explicit/test.parquet"} <= set(files_a)


def test_another_seed_changes_the_samples(small_inputs, small_config, exported, tmp_path):
    from dataclasses import replace

    c, _ = generate_benchmark([small_inputs], tmp_path / "c", replace(small_config, seed=1))
    assert _files(c)["movie_explicit/test.parquet"] != _files(exported[0])["movie_explicit/test.parquet"]


def test_card_lists_configs_and_statistics(exported):
    card = (exported[0] / "README.md").read_text()
    assert card.startswith("---\n") and "configs:" in card and "config_name: movie_misinformed" in card
    assert "| domain | subtype | 1 cond. |" in card and "rbh-kg-generator" in card


def test_load_back_with_datasets(exported):
    import datasets

    splits = datasets.load_dataset(str(exported[0]), "movie_implicit")
    assert set(splits) == {"train", "validation", "test"}
    ids = sorted(i for split in splits.values() for i in split["id"])
    assert ids[0] == "movie-implicit-000000" and len(ids) == len(set(ids))
    row = splits["test"][0]
    assert row["id"].startswith("movie-implicit-") and row["subtype"] == "implicit" and row["bridges"]
    items = datasets.load_dataset(str(exported[0]), "movie_items", split="train")
    assert len(items) == 400


def test_rbh_run_on_the_exported_folder(exported, tmp_path):
    result = run_cli(
        "run",
        "--tasks",
        "movie_explicit,movie_misinformed",
        "--model",
        "oracle",
        "--dataset",
        str(exported[0]),
        "--output",
        str(tmp_path / "runs"),
        "--no-progress",
        "--limit",
        "50",
    )
    assert result.code == 0, result.err
    results = json.loads((only_run_dir(tmp_path / "runs") / "results.json").read_text())
    for task in ("movie_explicit", "movie_misinformed"):
        assert results["tasks"][task]["metrics"]["recall"]["value"] == pytest.approx(1.0)
