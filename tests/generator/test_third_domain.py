"""A domain is data: the music domain of `tests/fixtures/music-plugin` (a profile YAML and five
task files, no code) is generated from a small music KG and evaluated end to end, through the
real CLI, with no change to the generator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import install_plugins, only_run_dir, run_cli
from tests.generator.music_data import write_music_data

PROFILE = Path(__file__).resolve().parents[1] / "fixtures" / "music-plugin" / "rbh_music" / "music.yaml"


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """The plugin really pip-installed, and a music dataset generated with it."""
    root = tmp_path_factory.mktemp("music")
    env = {"PYTHONPATH": str(install_plugins(root / "site", "music-plugin"))}
    files = write_music_data(root / "data")
    out = root / "dataset"
    result = run_cli(
        "generate", "--domain", "music", "--kg", str(files["kg"]), "--items", str(files["items"]),
        "--interactions", str(files["interactions"]), "--users", str(files["users"]), "--out", str(out), "--no-progress", env=env,
    )  # fmt: skip
    assert result.code == 0, result.err
    return env, out


def _rows(out: Path, subtype: str) -> list[dict]:
    from rbh.data.sources import read_rows

    return [r for split in ("train", "validation", "test") for r in read_rows(out / f"music_{subtype}" / f"{split}.parquet")]


def test_the_profile_decides_the_wording_and_the_hidden_relations(music: tuple[dict[str, str], Path]) -> None:
    _, out = music
    profile = yaml.safe_load(PROFILE.read_text())
    queries = {s: [r["query"] for r in _rows(out, s)] for s in ("explicit", "implicit", "misinformed", "interest", "demographics")}
    assert all(len(q) >= 10 for q in queries.values()), {s: len(q) for s, q in queries.items()}
    every = [q for qs in queries.values() for q in qs]
    assert all(re.search(r"\b(albums|records)\b", q) for q in every), "the profile's nouns"
    assert not any(re.search(r"\b(musics|movies|films|books|novels)\b|\bwhose |connected to", q) for q in every), (
        "no generic or other domain's wording"
    )
    assert all(re.search(r"\blistened to\b", q) for q in queries["interest"] if "listened" in q or "watched" in q or "read " in q)
    assert not any("watched" in q or re.search(r"\bread\b", q) for q in every)
    hidden = {r["bridges"][0]["relation"] for s in ("implicit", "misinformed") for r in _rows(out, s)}
    assert hidden and hidden <= set(profile["hidden"]["implicit"]), hidden
    wrong = {m["relation"] for r in _rows(out, "misinformed") for m in r["misinformation"]}
    assert wrong and wrong <= set(profile["misinformable"]), wrong
    openers = [o[0] for o in profile["openers"]]
    assert any(q.startswith(tuple(openers)) for q in queries["explicit"]), "the profile's situations open the requests"
    card = (out / "README.md").read_text()
    assert "'music': {'implicit': {'performed_by': 0.6" in card, "the card records the mix in effect"


def test_the_music_tasks_run_with_the_profile_s_words(music: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, out = music
    tasks = "music_explicit,music_implicit,music_misinformed,music_interest,music_demographics"
    dry = run_cli("run", "--tasks", "music_implicit", "--model", "oracle", "--dataset", str(out), "--dry-run", env=env)
    assert dry.code == 0, dry.err
    assert "You are a album recommender system" in " ".join(dry.out.split()) or "album recommender system" in dry.out
    assert "recommended albums" in " ".join(dry.out.split())
    run = run_cli("run", "--tasks", tasks, "--model", "oracle", "--dataset", str(out), "--output", str(tmp_path), "--no-progress", env=env)
    assert run.code == 0, run.err
    results = json.loads((only_run_dir(tmp_path) / "results.json").read_text())
    assert {t: results["tasks"][t]["metrics"]["recall"]["value"] for t in tasks.split(",")} == dict.fromkeys(tasks.split(","), 1.0)
    assert results["tasks"]["music_explicit"]["metrics"]["cmr"]["value"] == 1.0


def test_an_unknown_domain_or_a_bad_profile_is_one_clear_line(tmp_path: Path) -> None:
    from rbh import ConfigError, DomainProfile

    result = run_cli("generate", "--domain", "music", "--out", str(tmp_path / "out"), "--no-progress")
    assert result.code == 2 and "no domain profile 'music' is registered (known: book, movie, or all)" in result.err
    assert result.err.count("\n") == 1 and not (tmp_path / "out").exists()
    with pytest.raises(ConfigError, match="unknown key\\(s\\) verb"):
        DomainProfile.from_mapping({"name": "music", "verb": "listen"})
    with pytest.raises(ConfigError, match="must be a word"):
        DomainProfile.from_mapping({"name": "music store"})
