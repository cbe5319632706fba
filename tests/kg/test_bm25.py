"""The `bm25` baseline: BM25 over item text built from KG facts, end to end with `rbh run`."""

from __future__ import annotations

import json
from pathlib import Path

from rbh.data.bm25 import BM25Index, item_text
from rbh_kg.curated import load_curated
from tests.conftest import only_run_dir, run_cli

MINI_BENCHMARK_ARG = "tests/fixtures/mini-benchmark"  # relative: run_cli runs in the repository root


def test_item_text_holds_title_and_entities() -> None:
    catalog, kg = load_curated("movie")
    text = item_text(catalog, kg, "raiders-of-the-lost-ark-1981")
    assert text.startswith("Raiders of the Lost Ark") and "Steven Spielberg" in text and "Harrison Ford" in text


def test_index_ranks_matching_items_first() -> None:
    catalog, kg = load_curated("movie")
    index = BM25Index(catalog, kg)
    top = index.search("adventure films directed by Steven Spielberg starring Harrison Ford", 3)
    assert len(top) == 3
    assert all("Steven Spielberg" in kg.entities(i, "directed_by") and "Harrison Ford" in kg.entities(i, "starring") for i in top)
    assert index.search("the of and", 5) == []  # only stopwords: no evidence, no answer
    assert index.search("zzzqqq xylophonist", 5) == []  # no known term: no answer either
    dramas = index.search("drama", 10_000)
    assert dramas and set(dramas) == {i for i in catalog.items if "drama" in item_text(catalog, kg, i).lower().split()}


def test_rbh_run_bm25_offline(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "run",
        "--tasks",
        "explicit",
        "--model",
        "bm25",
        "--dataset",
        MINI_BENCHMARK_ARG,
        "--output",
        str(out),
        "--no-progress",
        env={"HF_HUB_OFFLINE": "1"},
    )
    assert result.code == 0, result.err
    results = json.loads((only_run_dir(out) / "results.json").read_text())
    assert set(results["tasks"]) == {"movie_explicit", "book_explicit"}
    for task, data in results["tasks"].items():
        assert data["metrics"]["recall"]["value"] > 0, task
        assert data["metrics"]["ftr"]["value"] < 1, task
    assert results["model"]["backend"] == "bm25"
