"""One benchmark row (docs/design.md §5): the same schema as the columns of a dataset on the Hub."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

SUBTYPES = ("explicit", "implicit", "misinformed", "interest", "demographics")
CONDITION_SUBTYPES = ("explicit", "implicit", "misinformed")


@dataclass(frozen=True)
class Condition:
    """A hard condition: the item must have `entity` for `relation` in the KG."""

    relation: str
    entity: str


@dataclass(frozen=True)
class Bridge:
    """A fact an implicit or misinformed query refers through: (item_id, relation, entity)."""

    item_id: str
    relation: str
    entity: str


@dataclass(frozen=True)
class Misinformation:
    """A wrong fact stated by a misinformed query about a bridge item."""

    item_id: str
    relation: str
    true_entity: str
    stated_entity: str


@dataclass(frozen=True)
class Sample:
    """A recommendation request with its ground truth.

    `official_id` keeps the id of a sample imported from the official release ("0-3");
    `ground_truth_titles` keeps ground-truth titles as the source wrote them (official scoring
    compares titles, and imported titles may not resolve to catalog ids). `pair_id` joins the
    explicit, implicit and misinformed versions of one request in a paired robustness set.
    `candidates` is the list a `protocol: rank` task shows, in the order shown (its ground truth
    is then the positives among them); empty for every other task.
    """

    id: str
    domain: str
    subtype: str
    query: str
    ground_truth: tuple[str, ...]
    query_direct: str | None = None
    conditions: tuple[Condition, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    misinformation: tuple[Misinformation, ...] = ()
    user_id: str | None = None
    history: tuple[str, ...] = ()
    group: Mapping[str, Any] | None = None
    source: str = ""
    official_id: str | None = None
    ground_truth_titles: tuple[str, ...] = ()
    pair_id: str | None = None
    candidates: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "Sample":
        """Build a sample from a dataset row (parquet, JSONL or `datasets`); unknown keys are ignored.
        Ids, relations, entities and other repeated words are interned: histories and conditions
        repeat the same few thousand strings across samples, and one string per value instead of
        one per mention halves a run's sample memory."""
        intern = sys.intern
        try:
            return cls(
                id=str(row["id"]),
                domain=intern(str(row["domain"])),
                subtype=intern(str(row["subtype"])),
                query=str(row["query"]),
                ground_truth=tuple(intern(str(x)) for x in row.get("ground_truth") or ()),
                query_direct=row.get("query_direct"),
                conditions=tuple(Condition(**_interned(c)) for c in row.get("conditions") or ()),
                bridges=tuple(Bridge(**_interned(b)) for b in row.get("bridges") or ()),
                misinformation=tuple(Misinformation(**_interned(m)) for m in row.get("misinformation") or ()),
                user_id=None if row.get("user_id") is None else str(row["user_id"]),
                history=tuple(intern(str(x)) for x in row.get("history") or ()),
                group=_clean_group(row.get("group")),
                source=intern(str(row.get("source") or "")),
                official_id=None if row.get("official_id") is None else str(row["official_id"]),
                ground_truth_titles=tuple(str(x) for x in row.get("ground_truth_titles") or ()),
                pair_id=None if row.get("pair_id") is None else str(row["pair_id"]),
                candidates=tuple(intern(str(x)) for x in row.get("candidates") or ()),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"sample {row.get('id', '?')!r} is malformed: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """The row form, with lists instead of tuples (JSON and parquet friendly); `candidates`
        only when the sample has them (a rank task's), so dataset rows keep their schema."""
        row = {
            "id": self.id,
            "domain": self.domain,
            "subtype": self.subtype,
            "query": self.query,
            "ground_truth": list(self.ground_truth),
            "query_direct": self.query_direct,
            "conditions": [{"relation": c.relation, "entity": c.entity} for c in self.conditions],
            "bridges": [{"item_id": b.item_id, "relation": b.relation, "entity": b.entity} for b in self.bridges],
            "misinformation": [asdict(m) for m in self.misinformation],
            "user_id": self.user_id,
            "history": list(self.history),
            "group": dict(self.group) if self.group is not None else None,
            "source": self.source,
            "official_id": self.official_id,
            "ground_truth_titles": list(self.ground_truth_titles),
            "pair_id": self.pair_id,
        }
        if self.candidates:
            row["candidates"] = list(self.candidates)
        return row

    @property
    def n_conditions(self) -> int:
        """Number of true hard conditions (0 for profile subtypes)."""
        return len(self.conditions)


def _clean_group(group: Any) -> Mapping[str, Any] | None:
    """Parquet stores missing struct fields as None; drop them so groups compare cleanly."""
    if group is None:
        return None
    return {sys.intern(k): sys.intern(v) if isinstance(v, str) else v for k, v in dict(group).items() if v is not None}


def _interned(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A condition, bridge or misinformation record with its string values interned."""
    return {k: sys.intern(v) if isinstance(v, str) else v for k, v in fields.items()}
