"""A draft sample: the structured content of a query before it is phrased."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rbh import Sample
from rbh.data import Bridge, Condition, Misinformation


@dataclass(frozen=True)
class Draft:
    """Everything a phraser needs and everything the final sample records.

    `taste` holds the KG facts a profile query (interest, demographics) describes and `seeds`
    the items an interest query names as enjoyed; `novels` is true when every ground-truth item
    is a novel (only then may a book query say "novels");
    `key` is a stable identity used to seed phrasing choices.
    """

    domain: str
    subtype: str
    key: str
    ground_truth: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    misinformation: tuple[Misinformation, ...] = ()
    taste: tuple[Condition, ...] = ()
    seeds: tuple[str, ...] = ()
    user_id: str | None = None
    history: tuple[str, ...] = ()
    group: Mapping[str, Any] | None = field(default=None, hash=False)
    novels: bool = False

    @property
    def bridged(self) -> tuple[Condition, ...]:
        """The true conditions the query refers to only through bridge items."""
        seen = dict.fromkeys(Condition(b.relation, b.entity) for b in self.bridges)
        return tuple(seen)

    @property
    def direct_conditions(self) -> tuple[Condition, ...]:
        """Conditions the query states directly."""
        hidden = set(self.bridged)
        return tuple(c for c in self.conditions if c not in hidden)

    def to_sample(self, sample_id: str, query: str, query_direct: str | None, source: str) -> Sample:
        return Sample(
            id=sample_id,
            domain=self.domain,
            subtype=self.subtype,
            query=query,
            query_direct=query_direct,
            ground_truth=self.ground_truth,
            conditions=self.conditions,
            bridges=self.bridges,
            misinformation=self.misinformation,
            user_id=self.user_id,
            history=self.history,
            group=dict(self.group) if self.group is not None else None,
            source=source,
        )

    def with_history(self, history: tuple[str, ...]) -> "Draft":
        return replace(self, history=history)
