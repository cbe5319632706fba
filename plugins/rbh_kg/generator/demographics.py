"""Demographics queries (DESIGN §9.6): groups by age, gender, occupation and their 2- and 3-way
combinations, largest first; items scored by TF-IDF within the group; queries whose ground truth
is a subset of the group's top-k sharing a KG fact."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations

from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.taste import shared_tastes

ATTRIBUTES = ("age", "gender", "occupation")
UNSPECIFIED = {"", "0", "other", "other or not specified", "unknown", "none"}


def demographic_groups(
    users: Mapping[str, Mapping[str, str]], members_of: Sequence[str], min_size: int
) -> list[tuple[dict[str, str], list[str]]]:
    """(attributes, member ids) for every combination of 1–3 attributes, largest groups first."""
    groups: list[tuple[dict[str, str], list[str]]] = []
    for r in (1, 2, 3):
        for attrs in combinations(ATTRIBUTES, r):
            buckets: dict[tuple[str, ...], list[str]] = {}
            for uid in members_of:
                profile = users.get(uid) or {}
                values = tuple(str(profile.get(a) or "") for a in attrs)
                if any(v.strip().lower() in UNSPECIFIED for v in values):
                    continue
                buckets.setdefault(values, []).append(uid)
            for values, members in buckets.items():
                if len(members) >= min_size:
                    groups.append((dict(zip(attrs, values)), members))
    groups.sort(key=lambda g: (-len(g[1]), len(g[0]), sorted(g[0].items())))
    return groups


def top_items(
    members: Sequence[str], histories: Mapping[str, Sequence[str]], document_frequency: Mapping[str, int], n_users: int, k: int
) -> list[str]:
    """The k items with the highest TF-IDF in the group: share of members who consumed the item
    times log(all users / users who consumed it)."""
    tf: Counter[str] = Counter()
    for uid in members:
        tf.update(set(histories[uid]))
    scored = [(-(c / len(members)) * math.log(n_users / (1 + document_frequency[i])), i) for i, c in tf.items()]
    return [i for _, i in sorted(scored)[:k]]


def build_demographics(ctx: BuildContext, histories: dict[str, tuple[str, ...]]) -> list[Draft]:
    cfg = ctx.config
    if not ctx.inputs.users:
        return []
    members_of = [u for u in ctx.inputs.user_ids(cfg.limit_users) if u in histories]
    document_frequency: Counter[str] = Counter(i for u in members_of for i in set(histories[u]))
    drafts: list[Draft] = []
    for attrs, members in demographic_groups(ctx.inputs.users, members_of, cfg.min_group_size):
        if len(drafts) >= cfg.max_demographics:
            break
        top = top_items(members, histories, document_frequency, len(members_of), cfg.top_k)
        for facts, holders in shared_tastes(top, ctx.index)[: cfg.per_group]:
            group = {a: attrs.get(a) for a in ATTRIBUTES}
            drafts.append(
                Draft(
                    domain=ctx.domain,
                    subtype="demographics",
                    key=f"{sorted(attrs.items())}|{facts}",
                    ground_truth=holders,
                    taste=ctx.index.conditions(facts),
                    group=group,
                )
            )
    return drafts[: cfg.max_demographics]
