"""Keeping a running mix of categories near target shares (condition counts, hidden relations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import Any


class ShareBalancer:
    """Orders categories by their shortfall against target shares; categories without a target
    come last (an empty target accepts every category, in the order given)."""

    def __init__(self, target: Mapping[Any, float]):
        total = sum(target.values()) or 1.0
        self.target = {k: v / total for k, v in target.items()}
        self.counts: Counter[Any] = Counter()

    def allows(self, category: Hashable) -> bool:
        return not self.target or category in self.target

    def order(self, available: Iterable[Any]) -> list[Any]:
        """`available`, largest shortfall first (ties keep the given order)."""
        items = [c for c in available if self.allows(c)]
        if not self.target:
            return items
        total = sum(self.counts.values()) + 1
        return sorted(items, key=lambda c: -(self.target[c] * total - self.counts[c]))

    def has_room(self, category: Hashable, slack: float = 2.0) -> bool:
        """Whether one more `category` keeps it within `slack` samples of its target share."""
        if not self.target:
            return True
        if category not in self.target:
            return False
        total = sum(self.counts.values()) + 1
        return self.counts[category] + 1 <= self.target[category] * total + slack

    def record(self, category: Hashable) -> None:
        self.counts[category] += 1
