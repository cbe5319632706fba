"""Interactions `(user_id, item_id, rating, timestamp)` and users `(user_id, age, gender,
occupation)` (docs/design.md §5), with per-user time-ordered histories and CSV / JSONL / parquet loaders.

Demographics follow MovieLens-1M: `age` is the bucket code (1, 18, 25, 35, 45, 50, 56), `gender`
is "M" or "F", `occupation` is one of the 21 ML-1M occupation names. `User.group()` gives the
readable form the official benchmark uses ({"age": "25-34", "gender": "Male", ...}).
The loaders read CSV, JSONL, parquet and MovieLens `.dat` (`ratings.dat`, `users.dat`).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from rbh.data.sources import read_rows
from rbh.errors import DataError

AGE_BUCKETS: dict[int, str] = {
    1: "Under 18",
    18: "18-24",
    25: "25-34",
    35: "35-44",
    45: "45-49",
    50: "50-55",
    56: "56+",
}
GENDERS: dict[str, str] = {"M": "Male", "F": "Female"}
OCCUPATIONS: tuple[str, ...] = (  # ML-1M occupation codes 0..20, in code order
    "other",
    "academic/educator",
    "artist",
    "clerical/admin",
    "college/grad student",
    "customer service",
    "doctor/health care",
    "executive/managerial",
    "farmer",
    "homemaker",
    "K-12 student",
    "lawyer",
    "programmer",
    "retired",
    "sales/marketing",
    "scientist",
    "self-employed",
    "technician/engineer",
    "tradesman/craftsman",
    "unemployed",
    "writer",
)

_BY_TIME = itemgetter(3)  # Interaction.timestamp

# Column names accepted by the loaders, first match wins.
USER_COLUMNS = ("user_id", "userId", "UserID", "user")
ITEM_COLUMNS = ("item_id", "itemId", "movieId", "MovieID", "book_id", "item")
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


def parse_age(value: Any) -> int:
    """An ML-1M age bucket code from a code or a label."""
    labels = {label.casefold(): code for code, label in AGE_BUCKETS.items()}
    text = str(value).strip()
    if text.casefold() in labels:
        return labels[text.casefold()]
    try:
        return int(float(text))
    except ValueError:
        raise ValueError(f"unknown age {value!r}") from None


def parse_gender(value: Any) -> str:
    text = str(value).strip()
    return {"male": "M", "female": "F"}.get(text.casefold(), text.upper())


def parse_occupation(value: Any) -> str:
    text = str(value).strip()
    if text.isdigit() and int(text) < len(OCCUPATIONS):
        return OCCUPATIONS[int(text)]
    by_fold = {o.casefold(): o for o in OCCUPATIONS}
    return by_fold.get(text.casefold(), text)


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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects: its repeated
    full scans would otherwise dominate loading a million interactions."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def read_columns(path: Path) -> dict[str, list[Any]]:
    """A CSV or parquet file as {column: values} (id columns read as text)."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        elif suffix == ".csv":
            import pyarrow as pa
            import pyarrow.csv as pcsv

            as_text = {name: pa.string() for name in USER_COLUMNS + ITEM_COLUMNS}
            table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types=as_text))
        else:
            raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv, .jsonl or .parquet)")
    except DataError:
        raise
    except Exception as exc:  # pyarrow raises several types for malformed files
        raise DataError(f"{path}: cannot read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    return {name: table.column(name).to_pylist() for name in table.column_names}


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


def read_table(path: Path, dat_columns: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows of a .csv, .jsonl, .parquet or `::`-separated .dat file (whose columns are
    `dat_columns`); a broken JSONL or .dat line names file:line."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".dat" and dat_columns:
        return read_dat(path, dat_columns)
    if suffix in (".parquet", ".jsonl", ".json"):
        return read_rows(path)
    if suffix == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv, .jsonl or .parquet)")


def read_dat(path: Path, columns: Sequence[str]) -> list[dict[str, Any]]:
    """A MovieLens `.dat` file (`::` separators; UTF-8, else latin-1 per line) as row dicts."""
    rows = []
    for lineno, parts in read_dat_lines(path):
        if len(parts) < len(columns) - 1:
            raise DataError(f"{path}:{lineno}: expected {len(columns)} '::'-separated fields ({'::'.join(columns)})")
        rows.append(dict(zip(columns, parts)))
    return rows


def read_dat_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Non-empty lines of a `.dat` file split on '::', with their line numbers (UTF-8, else latin-1)."""
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    for lineno, raw in enumerate(path.read_bytes().splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        yield lineno, line.rstrip("\r").split("::")


def write_table(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write rows as JSONL or parquet (by suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([dict(r) for r in rows]), path)
    else:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


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
