"""Train / validation / test splits: disjoint by user and by question, deterministic, documented."""

from __future__ import annotations

from collections import defaultdict

import pytest

from rbh import Sample
from rbh_kg.generator.splits import SPLITS, assign_splits, check_shares, owner
from tests.conftest import run_cli


def _sample(n: int, user: str | None, query: str = "q", truth: tuple[str, ...] = ("a",), group: dict | None = None) -> Sample:
    return Sample(id=f"s{n}", domain="movie", subtype="explicit", query=f"{query}{n}", ground_truth=truth, user_id=user, group=group)


def test_users_never_share_splits_and_shares_are_followed():
    samples = [_sample(n, str(n % 500)) for n in range(3000)]
    splits = assign_splits(samples, (0.6, 0.1, 0.3), seed=0)
    where: dict[str, set[str]] = defaultdict(set)
    for split, rows in splits.items():
        for s in rows:
            where[owner(s)].add(split)
    assert all(len(v) == 1 for v in where.values())
    users = {split: {s.user_id for s in rows} for split, rows in splits.items()}
    assert 0.5 < len(users["train"]) / 500 < 0.7 and 0.2 < len(users["test"]) / 500 < 0.4
    assert assign_splits(samples, (0.6, 0.1, 0.3), seed=0) == splits
    assert assign_splits(samples, (0.6, 0.1, 0.3), seed=1) != splits


def test_a_question_with_the_same_truth_stays_out_of_training():
    same = [
        Sample(id=f"s{n}", domain="movie", subtype="explicit", query="Heist films", ground_truth=("heat",), user_id=str(n))
        for n in range(60)
    ]
    splits = assign_splits(same, (0.6, 0.1, 0.3))
    assert splits["train"] == [] and splits["validation"] == []
    assert 5 < len(splits["test"]) < 40  # the test users keep theirs; the others' copies are dropped


def test_demographic_samples_split_by_group():
    group = {"age": "25-34", "gender": "F", "occupation": "writer"}
    samples = [_sample(n, None, group=group) for n in range(20)]
    splits = assign_splits(samples, (0.6, 0.1, 0.3))
    assert sum(1 for rows in splits.values() if rows) == 1


def test_bad_shares_are_refused(tmp_path):
    with pytest.raises(ValueError):
        check_shares((0.9, 0.1, 0.0))
    result = run_cli("generate", "--domain", "movie", "--out", str(tmp_path / "x"), "--splits", "80/20")
    assert result.code == 2 and "--splits" in result.err and "Traceback" not in result.err


def test_rbh_default_has_disjoint_documented_splits(default_cache):
    import datasets
    import pyarrow.parquet as pq

    (folder,) = [p for p in (default_cache / "datasets").iterdir() if p.name.startswith("rbh-default-")]
    card = (folder / "README.md").read_text()
    assert "## Splits" in card and "| movie_explicit |" in card
    for config in sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.endswith(("_items", "_kg"))):
        tables = {s: pq.read_table(folder / config / f"{s}.parquet").to_pylist() for s in SPLITS}
        assert len(tables["test"]) >= 0.2 * sum(len(t) for t in tables.values()), config
        owners = {s: {owner(Sample.from_dict(r)) for r in rows} for s, rows in tables.items()}
        questions = {s: {(r["query"], tuple(sorted(r["ground_truth"]))) for r in rows} for s, rows in tables.items()}
        for a, b in (("train", "validation"), ("train", "test"), ("validation", "test")):
            assert not owners[a] & owners[b], (config, a, b)
            assert not questions[a] & questions[b], (config, a, b)
    loaded = datasets.load_dataset(str(folder), "movie_explicit")
    assert set(loaded) == set(SPLITS)
    assert f"| movie_explicit | {loaded['train'].num_rows} | {loaded['validation'].num_rows} | {loaded['test'].num_rows} |" in card
