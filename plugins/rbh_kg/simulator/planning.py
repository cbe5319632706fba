"""Which of a sample's true conditions the simulated user volunteers in the opening message, gives
when asked about its aspect, or keeps hidden until a recommendation violates it — drawn with a
seed per sample, so every run (and every repeat) plans a conversation the same way."""

from __future__ import annotations

import random

from rbh import PlannedCondition, Sample
from rbh.data import Condition
from rbh.interactive import HIDDEN, ON_ASK, VOLUNTEERED


def plan_conditions(
    sample: Sample, seed: int, volunteer: float, hidden: float, min_volunteered: int = 1, min_undisclosed: int = 1
) -> list[PlannedCondition]:
    """The plan of one sample. An implicit or misinformed sample's bridged condition is always in
    the opening, through its bridge titles; of the others each is volunteered with probability
    `volunteer`, hidden with probability `hidden`, else given on ask — and at least
    `min_volunteered` conditions are in the opening (the bridged one counts), while at least
    `min_undisclosed` are not, where the sample has conditions enough for both."""
    rng = random.Random(f"{seed}:simulator:{sample.id}")
    bridged = {(b.relation, b.entity) for b in sample.bridges}
    plan: list[PlannedCondition] = []
    others: list[Condition] = []
    for c in sample.conditions:
        if (c.relation, c.entity) in bridged:
            plan.append(PlannedCondition(c.relation, c.entity, VOLUNTEERED, bridged=True))
        else:
            others.append(c)
    for c in others:
        u = rng.random()
        kind = VOLUNTEERED if u < volunteer else HIDDEN if u < volunteer + hidden else ON_ASK
        plan.append(PlannedCondition(c.relation, c.entity, kind))
    missing = min_volunteered - sum(1 for c in plan if c.kind == VOLUNTEERED)
    if missing > 0:
        undecided = [n for n, p in enumerate(plan) if p.kind != VOLUNTEERED]
        for n in sorted(rng.sample(undecided, min(missing, len(undecided)))):
            plan[n] = PlannedCondition(plan[n].relation, plan[n].entity, VOLUNTEERED)
    said = [n for n, c in enumerate(plan) if c.kind == VOLUNTEERED and not c.bridged]
    volunteered = sum(1 for c in plan if c.kind == VOLUNTEERED)
    spare = min(min_undisclosed - (len(plan) - volunteered), volunteered - min_volunteered, len(said))
    if spare > 0:
        for n in sorted(rng.sample(said, spare)):
            kind = HIDDEN if rng.random() < hidden / max(1e-9, 1 - volunteer) else ON_ASK
            plan[n] = PlannedCondition(plan[n].relation, plan[n].entity, kind)
    order = {(c.relation, c.entity): n for n, c in enumerate(sample.conditions)}
    return sorted(plan, key=lambda c: order[(c.relation, c.entity)])
