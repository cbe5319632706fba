"""`rbh import recbench-plus` on small hand-made files in the official shape (all five subtypes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh.cli.main import main
from rbh.data.dataset import load_dataset

MOVIES = "356::Forrest Gump (1994)::Comedy|Drama|War\n2028::Saving Private Ryan (1998)::Action|Drama|War\n1::Toy Story (1995)::Animation\n639::Girl 6 (1996)::Comedy\n"
EXPLICIT = [
    {
        "source_user": "2326",
        "condition_num": 2,
        "movieCount": 2,
        "movieSubset": ["Forrest Gump (1994)", "Saving Private Ryan (1998)"],
        "movieSubsetId": [356, 2028],
        "sharedRelationships": [["Starring", "Tom Hanks"], ["Genre", "War"]],
        "situational_description_query": "I want a war movie starring Tom Hanks.",
        "direct_description_query": "War movies starring Tom Hanks.",
        "data_idx": 3862,
    }
]
IMPLICIT = [
    {
        **EXPLICIT[0],
        "data_idx": 7,
        "condition_num": 1,
        "sharedRelationships": [["Starring", "Tom Hanks"]],
        "multihop_info": [{"movie": "Toy Story (1995)", "relation": "Starring", "person": "Tom Hanks"}],
    }
]
MISINFORMED = [
    {
        **EXPLICIT[0],
        "data_idx": 1,
        "query": "Films directed by Yoshihisa Kishimoto, who made Girl 6.",
        "sharedRelationships": [["Directed_by", "Spike Lee"]],
        "movieSubset": ["Girl 6 (1996)"],
        "movieSubsetId": [639],
        "misinformed": [{"movie": "Girl 6", "relation": "Directed_by", "person": "Yoshihisa Kishimoto", "original person": "Spike Lee"}],
    }
]
INTEREST = [
    {
        "Shared consecutive movies": ["Toy Story (1995)", "Forrest Gump (1994)"],
        "source_users": ["u1", "u2"],
        "data_idx": 11,
        "query & ground true": [
            {},
            {"reason": "r", "query": "Something heartfelt?", "movie subset": ["Forrest Gump", "Unknown Film (2001)"]},
        ],
    }
]
DEMOGRAPHICS = [
    {
        "data_idx": 0,
        "group_type": "age_gender",
        "group": ["25-34", "Male"],
        "top_10_movies": [[356, 0.5]],
        "summary": "",
        "query & ground true": [{"reason": "r", "query": "Classic war films?", "movie subset": ["Saving Private Ryan (1998)"]}],
    }
]
BOOK_INTEREST = [
    {
        "Shared consecutive books": ["The Hobbit"],
        "source_users": ["u1"],
        "data_idx": 0,
        "query & ground true": [{"reason": "r", "query": "More fantasy?", "book subset": ["The Fellowship of the Ring"]}],
    }
]


def write_release(root: Path) -> Path:
    movie, book = root / "movie", root / "book"
    movie.mkdir(parents=True)
    book.mkdir()
    (movie / "movies.dat").write_text(MOVIES, encoding="latin-1")
    for name, data in (
        ("ExplicitQuery", EXPLICIT),
        ("ImplicitQuery", IMPLICIT),
        ("MisinformedQuery", MISINFORMED),
        ("InterestBasedQuery", INTEREST),
        ("UserBasedQuery", DEMOGRAPHICS),
    ):
        (movie / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    (book / "InterestBasedQuery.json").write_text(json.dumps(BOOK_INTEREST), encoding="utf-8")
    return root


def test_import_every_subtype(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = write_release(tmp_path / "release"), tmp_path / "dataset"
    assert main(["import", "recbench-plus", str(src), "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "movie_explicit: 1 samples" in printed and "1 ground-truth titles unresolved" in printed
    ds = load_dataset(str(out))
    assert set(ds.configs()) == {
        f"movie_{s}" for s in ("explicit", "implicit", "misinformed", "interest", "demographics", "items", "kg")
    } | {"book_interest", "book_items", "book_kg"}

    explicit = ds.samples("movie_explicit")[0]
    assert explicit.official_id == "3862" and explicit.ground_truth == ("356", "2028") and explicit.user_id == "2326"
    assert [(c.relation, c.entity) for c in explicit.conditions] == [("starring", "Tom Hanks"), ("genre", "War")]
    assert explicit.query_direct == "War movies starring Tom Hanks." and explicit.source == "recbench-plus-official"
    assert ds.kg("movie").satisfies("356", explicit.conditions)

    implicit = ds.samples("movie_implicit")[0]
    assert [(b.item_id, b.relation, b.entity) for b in implicit.bridges] == [("1", "starring", "Tom Hanks")]

    misinformed = ds.samples("movie_misinformed")[0]
    assert misinformed.query.startswith("Films directed by Yoshihisa")
    m = misinformed.misinformation[0]
    assert (m.item_id, m.relation, m.true_entity, m.stated_entity) == ("639", "directed_by", "Spike Lee", "Yoshihisa Kishimoto")

    interest = ds.samples("movie_interest")[0]
    assert interest.official_id == "0-0"  # the empty entry is skipped, as the released evaluator does
    assert interest.ground_truth == ("356", "Unknown Film (2001)")  # unresolved: kept as the title
    assert interest.history == ("1",) and interest.group == {"users": ["u1", "u2"], "pattern": "Toy Story (1995) > Forrest Gump (1994)"}

    demographics = ds.samples("movie_demographics")[0]
    assert demographics.group == {"age": "25-34", "gender": "Male"} and demographics.ground_truth == ("2028",)
    assert demographics.ground_truth_titles == ("Saving Private Ryan (1998)",)

    book = ds.samples("book_interest")[0]
    assert ds.catalog("book")[book.ground_truth[0]].title == "The Fellowship of the Ring"


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_release(tmp_path / "release")
    (src / "movie" / "ExplicitQuery.json").write_text("[{broken")
    assert main(["import", "recbench-plus", str(src), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "ExplicitQuery.json" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()

    (src / "movie" / "ExplicitQuery.json").write_text(json.dumps([{"data_idx": 1}]))
    assert main(["import", "recbench-plus", str(src), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "record 0 is malformed" in capsys.readouterr().err

    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["import", "recbench-plus", str(empty), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "no official RecBench+ query files" in capsys.readouterr().err

    (src / "movie" / "movies.dat").unlink()
    (src / "movie" / "ExplicitQuery.json").write_text(json.dumps(EXPLICIT))
    assert main(["import", "recbench-plus", str(src), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "movies.dat is missing" in capsys.readouterr().err


def test_existing_output_needs_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = write_release(tmp_path / "release"), tmp_path / "dataset"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert main(["import", "recbench-plus", str(src), "--out", str(out), "--no-progress"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["import", "recbench-plus", str(src), "--out", str(out), "--no-progress", "--overwrite"]) == 0
    assert not (out / "keep.txt").exists() and (out / "README.md").is_file()


def test_official_demographics_file(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dataset"
    assert main(["import", "recbench-plus", str(shared_data / "recbench-plus"), "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    print(printed)
    samples = load_dataset(str(out)).samples("movie_demographics")
    assert len(samples) == 279 and "movie_demographics: 279 samples" in printed
    assert samples[3].official_id == "0-3" and samples[-1].official_id.count("-") == 1
    assert all(s.ground_truth and len(s.ground_truth) == len(s.ground_truth_titles) for s in samples)
    assert "0 ground-truth titles unresolved" in printed
