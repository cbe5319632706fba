"""Paired robustness sets: one request as explicit, implicit and misinformed queries with one
ground truth, passing every draft rule and validator; a run over them reports the paired drops."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rbh.data import load_dataset
from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.draft_rules import draft_violations
from rbh_kg.generator.export import export_dataset
from rbh_kg.generator.phrasing.template import TemplatePhraser
from rbh_kg.generator.pipeline import generate_domain
from rbh_kg.generator.stats import GenerationStats
from rbh_kg.generator.validators import violations
from tests.backends.conftest import rbh_main
from tests.conftest import only_run_dir

TASKS = Path(__file__).resolve().parents[2] / "tasks" / "recbench"


@pytest.fixture(scope="module")
def generated(small_inputs, small_config, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    config = replace(small_config, robustness_pairs=40)
    result = generate_domain(small_inputs, config, TemplatePhraser(), GenerationStats())
    folder = export_dataset(tmp_path_factory.mktemp("robust") / "ds", [result], GenerationStats(), config, "template")
    return result, config, folder


def test_pairs_share_ground_truth_and_pass_validators(generated, small_inputs) -> None:  # type: ignore[no-untyped-def]
    result, config, _ = generated
    versions = {s: result.samples[f"robustness_{s}"] for s in ("explicit", "implicit", "misinformed")}
    n = len(versions["explicit"])
    assert 20 <= n <= 40 and all(len(v) == n for v in versions.values())
    ctx = BuildContext(small_inputs, config)
    histories = dict(small_inputs.histories)
    for e, i, m in zip(*versions.values()):
        assert e.pair_id == i.pair_id == m.pair_id and e.pair_id is not None
        assert (e.subtype, i.subtype, m.subtype) == ("explicit", "implicit", "misinformed")
        assert e.ground_truth == i.ground_truth == m.ground_truth and e.history == i.history == m.history
        assert e.conditions == i.conditions == m.conditions and e.user_id == i.user_id == m.user_id
        assert not e.bridges and i.bridges == m.bridges and not i.misinformation and m.misinformation
        assert len({e.query, i.query, m.query}) == 3
        for sample in (e, i, m):
            from rbh_kg.generator.drafts import Draft

            draft = Draft(sample.domain, sample.subtype, "k", sample.ground_truth, sample.conditions, sample.bridges, sample.misinformation,
                          user_id=sample.user_id, history=sample.history)  # fmt: skip
            assert violations(draft, sample.query, small_inputs.catalog) == []
            assert draft_violations(draft, ctx, histories) == []
    main_ids = {s.id for subtype in ("explicit", "implicit", "misinformed") for s in result.samples[subtype]}
    assert not main_ids & {s.id for v in versions.values() for s in v}


def test_pair_id_reads_back_and_old_rows_default_to_none(generated) -> None:  # type: ignore[no-untyped-def]
    result, _, folder = generated
    ds = load_dataset(str(folder))
    written = {s.id: s.pair_id for split in ("train", "validation", "test") for s in ds.samples("movie_robustness_misinformed", split)}
    assert written == {s.id: s.pair_id for s in result.samples["robustness_misinformed"]}
    assert ds.samples("movie_explicit")[0].pair_id is None


def test_the_three_versions_of_a_pair_share_a_split(generated) -> None:  # type: ignore[no-untyped-def]
    """A pair is one user's request in three phrasings: splitting by user keeps it together, so
    a paired drop never compares a test sample with a training one."""
    _, _, folder = generated
    ds = load_dataset(str(folder))
    split_of: dict[str, set[str]] = {}
    for subtype in ("explicit", "implicit", "misinformed"):
        for split in ("train", "validation", "test"):
            for s in ds.samples(f"movie_robustness_{subtype}", split):
                split_of.setdefault(str(s.pair_id), set()).add(split)
    assert split_of and all(len(splits) == 1 for splits in split_of.values())
    assert {"train", "test"} <= set().union(*split_of.values())


def test_run_reports_paired_drops(generated, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, _, folder = generated
    code, out, err = rbh_main(
        "run", "--tasks", "movie_robustness_explicit,movie_robustness_implicit,movie_robustness_misinformed", "--dataset", str(folder), "--model", "oracle", "--output", str(tmp_path),
        "--no-progress", "--limit", "15",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads((only_run_dir(tmp_path) / "results.json").read_text())
    drops = {(d["metric"], d["source"], d["target"]): d for d in results["robustness"]}
    recall = drops[("recall", "explicit", "implicit")]
    test_pairs = min(15, len(load_dataset(str(folder)).samples("movie_robustness_explicit")))  # the test split's pairs
    assert recall["pairs"] == test_pairs > 0 and recall["drop"] == 0.0 and recall["low"] == recall["high"] == 0.0  # the oracle never drops
    assert "paired robustness" in out
    summary = (only_run_dir(tmp_path) / "summary.md").read_text()
    assert "## Paired robustness" in summary and "## Why recommendations failed" in summary

    # rbh compare puts two runs' drops side by side
    tasks = "movie_robustness_explicit,movie_robustness_implicit,movie_robustness_misinformed"
    code, _, err = rbh_main(
        "run",
        "--tasks",
        tasks,
        "--dataset",
        str(folder),
        "--model",
        "bm25",
        "--output",
        str(tmp_path / "bm25"),
        "--no-progress",
        "--limit",
        "15",
    )
    assert code == 0, err
    bm25 = only_run_dir(tmp_path / "bm25")
    (oracle,) = [p for p in tmp_path.iterdir() if p.name.endswith("_oracle")]
    bm25_drops = {(d["metric"], d["source"], d["target"]): d for d in json.loads((bm25 / "results.json").read_text())["robustness"]}
    code, out, err = rbh_main("compare", str(oracle), str(bm25), "--metrics", "recall")
    assert code == 0, err
    assert "paired robustness drops" in out
    lines = [x for x in out.splitlines() if "explicit → implicit" in x]  # one table per run on a narrow terminal
    expected = bm25_drops[("recall", "explicit", "implicit")]
    assert any(f"0.0000 [0.0000, 0.0000] ({test_pairs})" in x for x in lines)
    assert any(f"{expected['drop']:.4f} [{expected['low']:.4f}, {expected['high']:.4f}] ({test_pairs})" in x for x in lines)
    code, out, err = rbh_main("compare", str(oracle), str(bm25), "--metrics", "recall", "--format", "json")
    compared = json.loads(out)["robustness"]
    assert len(compared) == 2 and all(d["metric"] == "recall" for drops in compared.values() for d in drops)
    assert [d["drop"] for d in list(compared.values())[1]] == [d["drop"] for d in bm25_drops.values() if d["metric"] == "recall"]
    code, out, err = rbh_main("compare", str(oracle), str(bm25), "--metrics", "recall", "--format", "markdown")
    assert "Paired robustness drops" in out and f"| movie | recall | explicit → implicit | 0.0000 [0.0000, 0.0000] ({test_pairs}) |" in out
