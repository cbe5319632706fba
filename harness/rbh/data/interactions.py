"""Interactions `(user_id, item_id, rating, timestamp)` and users `(user_id, age, gender,
occupation)` (docs/design.md §5), with per-user time-ordered histories and CSV / JSONL / parquet loaders.

Demographics follow MovieLens-1M (`rbh.data.movielens`): `age` is the bucket code (1, 18, 25,
35, 45, 50, 56), `gender` is "M" or "F", `occupation` is one of the 21 ML-1M occupation names.
`User.group()` gives the readable form the official benchmark uses ({"age": "25-34", ...}).
The loaders read CSV, JSONL, parquet and MovieLens `.dat` (`ratings.dat`, `users.dat`) through
`rbh.data.tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from rbh.data.movielens import AGE_BUCKETS, GENDERS, OCCUPATIONS, parse_age, parse_gender, parse_occupation
from rbh.data.tables import ITEM_COLUMNS, USER_COLUMNS, read_columns, read_table
from rbh.errors import DataError
from rbh.gc_pause import gc_paused

_BY_TIME = itemgetter(3)  # Interaction.timestamp

RATING_COLUMNS = ("rating", "Rating")
TIME_COLUMNS = ("timestamp", "Timestamp", "time")
DAT_RATINGS = ("user_id", "item_id", "rating", "timestamp")  # ratings.dat: UserID::MovieID::Rating::Timestamp
DAT_USERS = ("user_id", "gender", "age", "occupation", "zip")  # users.dat: UserID::Gender::Age::Occupation::Zip


class Interaction(NamedTuple):
    """One user consumed (and maybe rated) one item at `timestamp` (Unix seconds).

    A NamedTuple, not a dataclass: a million of them are built in a second."""

    user_id: str
    item_id: str
    rating: float | None = None
    timestamp: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "item_id": self.item_id, "rating": self.rating, "timestamp": self.timestamp}


@dataclass(frozen=True, slots=True)
class User:
    """MovieLens-style demographics of one user."""

    user_id: str
    age: int
    gender: str
    occupation: str

    def __post_init__(self) -> None:
        if self.age not in AGE_BUCKETS:
            raise ValueError(f"user {self.user_id}: age {self.age!r} is not an ML-1M bucket {sorted(AGE_BUCKETS)}")
        if self.gender not in GENDERS:
            raise ValueError(f"user {self.user_id}: gender {self.gender!r} is not M or F")
        if self.occupation not in OCCUPATIONS:
            raise ValueError(f"user {self.user_id}: unknown occupation {self.occupation!r}")

    @property
    def age_label(self) -> str:
        return AGE_BUCKETS[self.age]

    @property
    def gender_label(self) -> str:
        return GENDERS[self.gender]

    def group(self) -> dict[str, str]:
        """Readable demographics as the official benchmark writes them."""
        return {"age": self.age_label, "gender": self.gender_label, "occupation": self.occupation}

    def to_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "age": self.age, "gender": self.gender, "occupation": self.occupation}

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "User":
        """Accepts codes or labels: age 25 / "25" / "25-34"; gender "M" / "Male"; occupation 12 / "programmer"."""
        user_id = _first(row, USER_COLUMNS)
        if user_id is None:
            raise ValueError(f"user row has no user id column ({', '.join(USER_COLUMNS)})")
        return cls(
            str(user_id),
            parse_age(row.get("age", row.get("Age"))),
            parse_gender(row.get("gender", row.get("Gender"))),
            parse_occupation(row.get("occupation", row.get("Occupation"))),
        )


class Interactions:
    """All interactions of a domain, grouped per user and ordered by time (ties keep input order)."""

    def __init__(self, interactions: Iterable[Interaction]):
        by_user: dict[str, list[Interaction]] = {}
        with gc_paused():
            for it in interactions:
                by_user.setdefault(it.user_id, []).append(it)
            self._by_user: dict[str, tuple[Interaction, ...]] = {user: tuple(sorted(rows, key=_BY_TIME)) for user, rows in by_user.items()}

    @classmethod
    def from_users(cls, by_user: Mapping[str, Iterable[Interaction]]) -> "Interactions":
        """From rows already grouped per user (each group must hold only that user's rows)."""
        self = cls(())
        self._by_user = {user: tuple(sorted(rows, key=_BY_TIME)) for user, rows in by_user.items()}
        return self

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "Interactions":
        return cls(interaction_from_row(r) for r in rows)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._by_user.values())

    def __iter__(self) -> Iterator[Interaction]:
        for user in self.user_ids():
            yield from self._by_user[user]

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._by_user

    def user_ids(self) -> list[str]:
        """Users with at least one interaction (numeric ids in numeric order)."""
        return sorted(self._by_user, key=_id_order)

    def item_ids(self) -> set[str]:
        return {it.item_id for rows in self._by_user.values() for it in rows}

    def of(self, user_id: str) -> tuple[Interaction, ...]:
        """A user's interactions, oldest first."""
        return self._by_user.get(user_id, ())

    def history(self, user_id: str) -> list[str]:
        """A user's item ids, oldest first, repeats dropped (first consumption wins)."""
        return list(dict.fromkeys(it.item_id for it in self._by_user.get(user_id, ())))

    def histories(self) -> dict[str, list[str]]:
        """Every user's time-ordered history (the generator's input)."""
        return {user: self.history(user) for user in self.user_ids()}

    def restrict(self, item_ids: Iterable[str]) -> "Interactions":
        """Only the interactions with the given items (e.g. those in a catalog)."""
        keep = set(item_ids)
        return Interactions(it for rows in self._by_user.values() for it in rows if it.item_id in keep)


class Users:
    """Users by id."""

    def __init__(self, users: Iterable[User]):
        self._users: dict[str, User] = {}
        for user in users:
            if user.user_id in self._users:
                raise ValueError(f"duplicate user id {user.user_id!r}")
            self._users[user.user_id] = user

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "Users":
        return cls(User.from_dict(r) for r in rows)

    def __len__(self) -> int:
        return len(self._users)

    def __iter__(self) -> Iterator[User]:
        return iter(self._users[u] for u in sorted(self._users, key=_id_order))

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._users

    def __getitem__(self, user_id: str) -> User:
        return self._users[user_id]

    def get(self, user_id: str) -> User | None:
        return self._users.get(user_id)

    def groups(self) -> dict[str, dict[str, str]]:
        """Readable demographics per user (the generator's `users` input)."""
        return {u.user_id: u.group() for u in self}


# -- loaders ---------------------------------------------------------------------------------


def load_interactions(path: str | Path) -> Interactions:
    """Interactions from a CSV, JSONL, parquet or MovieLens `ratings.dat` file (columns: user_id,
    item_id, rating, timestamp; MovieLens names such as userId/movieId are accepted)."""
    path = Path(path)
    if path.suffix.lower() in (".jsonl", ".json", ".dat"):
        try:
            return Interactions(interaction_from_row(r) for r in read_table(path, DAT_RATINGS))
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(f"{path}: {exc}") from None
    columns = read_columns(path)
    users, items = _first(columns, USER_COLUMNS), _first(columns, ITEM_COLUMNS)
    if users is None or items is None:
        raise DataError(f"{path}: needs a user column ({'/'.join(USER_COLUMNS)}) and an item column ({'/'.join(ITEM_COLUMNS)})")
    n = len(users)
    ratings = _first(columns, RATING_COLUMNS) or [None] * n
    times = _first(columns, TIME_COLUMNS) or [0] * n
    try:
        rows = zip(
            map(_id_text, users),
            map(_id_text, items),
            [None if r is None else float(r) for r in ratings],
            [0 if t is None else int(t) for t in times],
        )
        return Interactions(map(tuple.__new__, repeat(Interaction), rows))
    except (ValueError, TypeError) as exc:
        raise DataError(f"{path}: bad rating or timestamp: {exc}") from None


def load_users(path: str | Path) -> Users:
    """Users from a CSV, JSONL, parquet or `users.dat` file (columns: user_id, age, gender, occupation)."""
    path = Path(path)
    try:
        return Users.from_rows(read_table(path, DAT_USERS))
    except (KeyError, ValueError, TypeError) as exc:
        raise DataError(f"{path}: {exc}") from None


def interaction_from_row(row: Mapping[str, Any]) -> Interaction:
    user, item = _first(row, USER_COLUMNS), _first(row, ITEM_COLUMNS)
    if user is None or item is None:
        raise ValueError(f"row needs a user column ({'/'.join(USER_COLUMNS)}) and an item column ({'/'.join(ITEM_COLUMNS)})")
    rating, timestamp = _first(row, RATING_COLUMNS), _first(row, TIME_COLUMNS)
    return Interaction(
        _id_text(user),
        _id_text(item),
        None if rating in (None, "") else float(rating),
        0 if timestamp in (None, "") else int(float(timestamp)),
    )


def _first(row: Mapping[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if name in row:
            return row[name]
    return None


def _id_text(value: Any) -> str:
    """Ids as text; a float id such as 31.0 (CSV or parquet inference) becomes '31'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _id_order(user_id: str) -> tuple[int, int, str]:
    return (0, int(user_id), "") if user_id.isdigit() else (1, 0, user_id)
