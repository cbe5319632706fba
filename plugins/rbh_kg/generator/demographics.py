"""Demographics queries (docs/generator.md): groups by age, gender, occupation and their 2- and
3-way combinations, largest first; items scored by TF-IDF within the group; queries with a short
persona and the kind of theme a generation shares — a genre of an era ("1980s action movies"),
never a person or a series — whose ground truth is a 2–5 item subset (mostly 3) of the group's
top-k sharing it, in TF-IDF order. The theme is recorded in `group["theme"]`."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations

from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.taste import DECADE, Fact, TasteIndex, as_conditions, candidate_tastes, theme_rows

ATTRIBUTES = ("age", "gender", "occupation")
GROUP_THEMES = frozenset({"genre", DECADE})  # a genre of an era
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


def group_themes(
    top: Sequence[str], tastes: TasteIndex, sizes: Sequence[int], rng: random.Random, allowed: frozenset[str] = GROUP_THEMES
) -> list[tuple[tuple[Fact, ...], tuple[str, ...]]]:
    """(theme, ground truth) pairs over a group's top items: genre-and-era themes most
    informative first, each with a distinct ground truth of a drawn size (2–5, mostly 3) among
    the top items holding it."""
    out: list[tuple[tuple[Fact, ...], tuple[str, ...]]] = []
    seen: set[tuple[str, ...]] = set()
    for theme in candidate_tastes(top, tastes, allowed):
        if not any(r == DECADE for r, _ in theme):
            continue
        holders = tuple(i for i in top if tastes.holds(i, theme))
        size = rng.choice(sizes)
        if len(holders) < size:
            continue  # a theme too narrow for the drawn size gives way to a broader one
        truth = holders[:size]
        if truth not in seen:
            seen.add(truth)
            out.append((theme, truth))
    return out


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
        rng = random.Random(f"{cfg.seed}:demographics:{sorted(attrs.items())}")
        for theme, truth in group_themes(top, ctx.tastes, cfg.demographics_ground_truth, rng)[: cfg.per_group]:
            drafts.append(
                Draft(
                    domain=ctx.domain,
                    subtype="demographics",
                    key=f"{sorted(attrs.items())}|{theme}",
                    ground_truth=truth,
                    taste=as_conditions(theme),
                    group={**{a: attrs.get(a) for a in ATTRIBUTES}, "theme": theme_rows(as_conditions(theme))},
                )
            )
    return drafts[: cfg.max_demographics]
