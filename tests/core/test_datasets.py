"""Datasets: local folders (JSONL and parquet, with or without a card) and `hf:` through `datasets`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh.data.dataset import load_dataset
from rbh.errors import DataError
from tests.conftest import MINI_BENCHMARK, make_dataset


def _to_parquet_repo(src: Path, dst: Path) -> Path:
    """Rewrite a JSONL dataset as a Hub-style repo: parquet shards + README configs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rbh.data.sources import LocalFolderSource

    source = LocalFolderSource(src)
    card = ["---", "configs:"]
    for config in source.configs():
        for split in source.splits(config):
            rows = source.rows(config, split)
            path = dst / "data" / config / f"{split}-00000-of-00001.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows), path)
            card += [f"- config_name: {config}", "  data_files:", f"  - split: {split}", f"    path: data/{config}/{split}-*.parquet"]
    card += ["---", "", "# test dataset"]
    (dst / "README.md").write_text("\n".join(card) + "\n")
    return dst


def test_fixture_loads_with_catalog_and_kg() -> None:
    ds = load_dataset(str(MINI_BENCHMARK))
    for domain in ("movie", "book"):
        catalog, kg = ds.catalog(domain), ds.kg(domain)
        assert len(catalog) >= 30 and len(kg) > 100
        for sub in ("explicit", "implicit", "misinformed", "interest", "demographics"):
            samples = ds.samples(f"{domain}_{sub}")
            assert len(samples) >= 8
            for s in samples:
                assert all(g in catalog for g in s.ground_truth)
                assert not set(s.history) & set(s.ground_truth)
                if s.conditions:
                    assert all(kg.satisfies(g, s.conditions) for g in s.ground_truth), s.id


def test_parquet_repo_and_hf_loader_agree(tmp_path: Path) -> None:
    repo = _to_parquet_repo(MINI_BENCHMARK, tmp_path / "repo")
    local = load_dataset(str(repo))
    via_datasets = load_dataset(f"hf:{repo}")
    original = load_dataset(str(MINI_BENCHMARK))
    for config in ("movie_explicit", "book_misinformed", "movie_demographics"):
        assert local.samples(config) == original.samples(config)
        assert via_datasets.samples(config) == original.samples(config)
    assert len(via_datasets.catalog("movie")) == len(original.catalog("movie"))
    assert len(via_datasets.kg("book")) == len(original.kg("book"))
    assert local.fingerprint != original.fingerprint  # different bytes, different fingerprint


def test_run_on_hf_spec(tmp_path: Path) -> None:
    from tests.conftest import only_run_dir, run_cli

    repo = _to_parquet_repo(MINI_BENCHMARK, tmp_path / "repo")
    out = tmp_path / "out"
    result = run_cli(
        "run", "--tasks", "book_explicit", "--model", "oracle", "--dataset", f"hf:{repo}", "--output", str(out), "--no-progress"
    )
    assert result.code == 0, result.err
    assert result.err == "", "--no-progress: not even `datasets`' own 'Generating test split' bars"
    data = json.loads((only_run_dir(out) / "results.json").read_text())["tasks"]["book_explicit"]
    assert data["metrics"]["recall"]["value"] == 1.0
    assert data["dataset"]["spec"] == f"hf:{repo}"


def test_bad_dataset_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_dataset(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no dataset configs"):
        load_dataset(str(tmp_path / "empty"))
    ds = load_dataset(str(make_dataset(tmp_path / "ok")))
    with pytest.raises(DataError, match="no 'book_items'"):
        ds.catalog("book")
    with pytest.raises(DataError, match="no config 'movie_implicit'"):
        ds.samples("movie_implicit")


def test_unreachable_hub_is_one_line(tmp_path: Path) -> None:
    """A Hub that cannot be reached gives one clear line and exit 2, not a stale cache or a traceback."""
    import socket

    from tests.conftest import run_cli

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli(
        "run",
        "--tasks",
        "movie_explicit",
        "--model",
        "oracle",
        "--dataset",
        "hf:some-org/some-bench",
        "--output",
        str(tmp_path / "out"),
        env={"HF_ENDPOINT": f"http://127.0.0.1:{port}", "HF_HUB_OFFLINE": "0"},
    )
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Hub" in lines[0] and "hf:some-org/some-bench" in lines[0]
    assert not (tmp_path / "out").exists()


def test_sample_row_form_has_every_field_and_round_trips() -> None:
    """`Sample.to_dict` is written out field by field (it runs once per sample per run): it must
    name every dataclass field, give what `dataclasses.asdict` gives (tuples as lists), and read back."""
    import dataclasses

    from rbh.data import Bridge, Condition, Misinformation, Sample

    sample = Sample(
        id="s1", domain="movie", subtype="misinformed", query="q", ground_truth=("m1", "m2"), query_direct="qd",
        conditions=(Condition("starring", "A"),), bridges=(Bridge("m9", "starring", "A"),),
        misinformation=(Misinformation("m9", "starring", "A", "B"),), user_id="u1", history=("m3", "m4"),
        group={"age": "25-34"}, source="test", official_id="0-1", ground_truth_titles=("T1",), pair_id="p1",
        candidates=("m1", "m7"),
    )  # fmt: skip
    row = sample.to_dict()
    assert set(row) == {f.name for f in dataclasses.fields(Sample)}
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(sample).items()}
    assert row == expected
    assert Sample.from_dict(row) == sample
    row["history"].append("m5")
    assert sample.history == ("m3", "m4"), "the row is a copy"
    plain = dataclasses.replace(sample, candidates=())
    assert "candidates" not in plain.to_dict(), "dataset rows keep their schema: only a rank task's samples carry a list"
    assert Sample.from_dict(plain.to_dict()) == plain
