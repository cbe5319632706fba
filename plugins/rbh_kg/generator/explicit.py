"""Explicit queries (docs/design.md §9.2): the mined conditions, stated directly."""

from __future__ import annotations

import random

from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.mining import MinedSet, UserSets


def build_explicit(ctx: BuildContext, user: UserSets, mined: MinedSet, rng: random.Random) -> Draft:
    """A draft whose ground truth is the user's history items satisfying every condition."""
    facts, mask = mined
    return Draft(
        domain=ctx.domain,
        subtype="explicit",
        key=f"{user.user_id}|{facts}",
        ground_truth=user.ground_truth(mask),
        conditions=ctx.index.conditions(facts),
        user_id=user.user_id,
        history=user.history_before(mask),
    )
