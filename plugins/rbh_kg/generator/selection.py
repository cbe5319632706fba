"""Which mined condition sets become samples: per user and subtype, a size class is chosen to
keep the running mix near the target (≈45% one, 47% two, 8% three–four conditions)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence

from rbh_kg.generator.config import GeneratorConfig
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.mining import MinedSet, UserSets

Builder = Callable[[UserSets, MinedSet, random.Random], "Draft | None"]


class MixBalancer:
    """Picks the available size class with the largest shortfall against the target mix."""

    def __init__(self, mix: Sequence[float]):
        self.target = {1: mix[0], 2: mix[1], 3: mix[2]}
        self.counts = {1: 0, 2: 0, 3: 0}

    def order(self, available: Iterable[int]) -> list[int]:
        total = sum(self.counts.values()) + 1
        return sorted(available, key=lambda c: (-(self.target[c] * total - self.counts[c]), c))

    def record(self, size_class: int) -> None:
        self.counts[size_class] += 1


def select_drafts(
    users: Sequence[UserSets], subtype: str, build: Builder, config: GeneratorConfig, used: dict[str, set[int]]
) -> list[Draft]:
    """Up to `config.per_user` drafts per user; `used` holds ground truths already taken per user
    (shared across subtypes so one user's samples differ)."""
    balancer = MixBalancer(config.mix)
    drafts: list[Draft] = []
    for user in users:
        rng = random.Random(f"{config.seed}:{subtype}:{user.user_id}")
        taken = used.setdefault(user.user_id, set())
        for _ in range(config.per_user):
            draft = _one(user, build, balancer, rng, taken)
            if draft is None:
                break
            drafts.append(draft)
    return drafts


def _one(user: UserSets, build: Builder, balancer: MixBalancer, rng: random.Random, taken: set[int]) -> Draft | None:
    for cls in balancer.order(c for c, sets in user.by_class.items() if sets):
        pool = [s for s in user.by_class[cls] if s[1] not in taken]
        rng.shuffle(pool)
        for mined in pool[:4]:  # a few tries: implicit needs a bridge item
            draft = build(user, mined, rng)
            if draft is not None:
                taken.add(mined[1])
                balancer.record(cls)
                return draft
    return None
