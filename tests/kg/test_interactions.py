"""Core interaction and user types, containers and CSV / JSONL / parquet loaders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh.data import Interaction, Interactions, User, Users, load_interactions, load_users
from rbh.data.tables import write_table
from rbh.errors import DataError

ROWS = [
    {"user_id": "2", "item_id": "b", "rating": 4.0, "timestamp": 30},
    {"user_id": "2", "item_id": "a", "rating": 5.0, "timestamp": 10},
    {"user_id": "10", "item_id": "c", "rating": None, "timestamp": 5},
    {"user_id": "2", "item_id": "a", "rating": 3.0, "timestamp": 40},
]


def test_histories_are_time_ordered_and_deduplicated() -> None:
    inter = Interactions.from_rows(ROWS)
    assert len(inter) == 4 and inter.user_ids() == ["2", "10"]
    assert [i.timestamp for i in inter.of("2")] == [10, 30, 40]
    assert inter.history("2") == ["a", "b"]
    assert inter.histories() == {"2": ["a", "b"], "10": ["c"]}
    assert inter.item_ids() == {"a", "b", "c"}
    assert len(inter.restrict({"a"})) == 2
    assert inter.of("2")[0] == Interaction("2", "a", 5.0, 10)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_load_interactions_formats(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"ratings{suffix}"
    if suffix == ".csv":
        path.write_text("rownames,movieId,title,userId,rating,timestamp\n1,31,X,1,2.5,1260759144\n2,29,Y,1,3.0,1260759100\n")
    else:
        write_table(
            path,
            [
                {"userId": 1, "movieId": 31, "rating": 2.5, "timestamp": 1260759144},
                {"userId": 1, "movieId": 29, "rating": 3.0, "timestamp": 1260759100},
            ],
        )
    inter = load_interactions(path)
    assert inter.history("1") == ["29", "31"]
    assert inter.of("1")[1] == Interaction("1", "31", 2.5, 1260759144)


def test_load_interactions_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(ROWS[0]) + "\n{oops\n")
    with pytest.raises(DataError, match=r"bad.jsonl:2: invalid JSON"):
        load_interactions(bad)
    missing = tmp_path / "x.csv"
    missing.write_text("user_id,rating\n1,3\n")
    with pytest.raises(DataError, match="item column"):
        load_interactions(missing)
    other = tmp_path / "x.txt"
    other.write_text("")
    with pytest.raises(DataError, match="unsupported file type"):
        load_interactions(other)
    with pytest.raises(DataError, match="file not found"):
        load_interactions(tmp_path / "absent.csv")


def test_users_accept_codes_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text("UserID,Gender,Age,Occupation,Zip-code\n1,F,1,10,48067\n2,M,56,16,70072\n")
    users = load_users(path)
    assert users["1"] == User("1", 1, "F", "K-12 student")
    assert users["2"].group() == {"age": "56+", "gender": "Male", "occupation": "self-employed"}
    labelled = Users.from_rows([{"user_id": "u", "age": "25-34", "gender": "Female", "occupation": "programmer"}])
    assert labelled["u"] == User("u", 25, "F", "programmer")
    assert Users(users).groups()["1"]["age"] == "Under 18"


def test_user_validation() -> None:
    with pytest.raises(ValueError, match="age 30"):
        User("1", 30, "M", "other")
    with pytest.raises(ValueError, match="occupation"):
        User("1", 25, "M", "astronaut")
    with pytest.raises(ValueError, match="duplicate user id"):
        Users([User("1", 25, "M", "other"), User("1", 18, "F", "writer")])


def test_movielens_dat_files(tmp_path: Path) -> None:
    ratings = tmp_path / "ratings.dat"
    ratings.write_text("1::1193::5::978300760\n1::661::3::978302109\n\n2::1357::5::978298709\n")
    inter = load_interactions(ratings)
    assert inter.history("1") == ["1193", "661"] and inter.of("2")[0] == Interaction("2", "1357", 5.0, 978298709)
    users = tmp_path / "users.dat"
    users.write_bytes(b"1::F::1::10::48067\n2::M::56::16::70072\n")
    assert load_users(users)["2"] == User("2", 56, "M", "self-employed")
    ratings.write_text("1::1193\n")
    with pytest.raises(DataError, match=r"ratings.dat:1: expected 4 '::'-separated fields"):
        load_interactions(ratings)
