"""MovieLens-1M `.dat` readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from rbh.data import load_interactions, load_users, read_movies, split_movie_title
from rbh.errors import DataError


def test_split_movie_title() -> None:
    assert split_movie_title("City of Lost Children, The (Cité des enfants perdus, La) (1995)") == (
        "The City of Lost Children",
        1995,
        ("La Cité des enfants perdus", "City of Lost Children, The"),
    )
    assert split_movie_title("Mad Max 2 (a.k.a. The Road Warrior) (1981)") == ("Mad Max 2", 1981, ("The Road Warrior",))
    assert split_movie_title("Heat (1995)") == ("Heat", 1995, ())
    assert split_movie_title("Misérables, Les (1995)") == ("Les Misérables", 1995, ("Misérables, Les",))


def test_read_movies_mixed_encodings(tmp_path: Path) -> None:
    path = tmp_path / "movies.dat"
    path.write_bytes(
        b"1::Toy Story (1995)::Animation|Children's\n"
        + "73::Mis\ufffdrables, Les (1995)::Drama|Musical\n".encode("utf-8")
        + "2::Caf\xe9 au Lait (1993)::Comedy\n".encode("latin-1")
    )
    movies = read_movies(path)
    assert [m.item.id for m in movies] == ["1", "73", "2"]
    assert movies[1].item.title == "Les Mis\ufffdrables" and movies[0].genres == ("Animation", "Children's")
    assert movies[2].item.title == "Café au Lait"


def test_read_users_and_ratings(tmp_path: Path) -> None:
    (tmp_path / "users.dat").write_text("1::F::1::10::48067\n2::M::56::16::70072\n")
    users = load_users(tmp_path / "users.dat")
    first, second = users["1"], users["2"]
    assert (first.gender_label, first.age_label, first.occupation) == ("Female", "Under 18", "K-12 student")
    assert (second.age_label, second.occupation) == ("56+", "self-employed")
    (tmp_path / "ratings.dat").write_text("1::1193::5::978300760\n")
    interactions = load_interactions(tmp_path / "ratings.dat")
    assert [(i.user_id, i.item_id, i.rating, i.timestamp) for i in interactions] == [("1", "1193", 5.0, 978300760)]


def test_bad_lines_name_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "movies.dat").write_text("1::Heat (1995)::Crime\nbroken line\n")
    with pytest.raises(DataError, match=r"movies.dat:2"):
        read_movies(tmp_path / "movies.dat")
    with pytest.raises(DataError, match="not found"):
        read_movies(tmp_path / "missing.dat")
