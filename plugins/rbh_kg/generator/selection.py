"""Which mined condition sets become samples: per user and subtype, a size class is chosen to
keep the running mix near the subtype's target (the paper's 1 / 2 / 3–4 condition counts), among
sets with enough history before their ground truth (history prompts show only the past)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from rbh_kg.generator.config import GeneratorConfig
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.mining import MinedSet, UserSets, prior_count
from rbh_kg.generator.shares import ShareBalancer

Builder = Callable[[UserSets, MinedSet, random.Random], "Draft | None"]
TRIES = 16  # mined sets tried per size class (implicit needs a hideable, identifiable condition)


def class_balancer(mix: Sequence[float]) -> ShareBalancer:
    """A balancer over the size classes 1, 2 and 3 (three to four conditions)."""
    return ShareBalancer({1: mix[0], 2: mix[1], 3: mix[2]})


def select_drafts(
    users: Sequence[UserSets], subtype: str, build: Builder, config: GeneratorConfig, used: dict[str, set[int]]
) -> list[Draft]:
    """Up to `config.per_user` drafts per user; `used` holds ground truths already taken per user
    (shared across subtypes so one user's samples differ)."""
    balancer = class_balancer(config.mix(subtype))
    drafts: list[Draft] = []
    for user in users:
        rng = random.Random(f"{config.seed}:{subtype}:{user.user_id}")
        taken = used.setdefault(user.user_id, set())
        for _ in range(config.per_user):
            draft = _one(user, build, balancer, rng, taken, config.min_prior_history)
            if draft is None:
                break
            drafts.append(draft)
    return drafts


def _one(user: UserSets, build: Builder, balancer: ShareBalancer, rng: random.Random, taken: set[int], min_prior: int) -> Draft | None:
    for cls in balancer.order(c for c, sets in sorted(user.by_class.items()) if sets):
        pool = [s for s in user.by_class[cls] if s[1] not in taken and prior_count(s[1]) >= min_prior]
        rng.shuffle(pool)
        for mined in pool[:TRIES]:
            draft = build(user, mined, rng)
            if draft is not None:
                taken.add(mined[1])
                balancer.record(cls)
                return draft
    return None
