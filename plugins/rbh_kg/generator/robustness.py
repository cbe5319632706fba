"""Paired robustness sets: for a seeded sample of mined condition sets, the same request as an
explicit, an implicit and a misinformed query — one ground truth, one history, one `pair_id` —
so the drop explicit → implicit → misinformed measures the phrasing, not the sampling.

The misinformed draft is built first (it needs bridges and a plausible wrong entity); the implicit
one is it without the wrong fact, the explicit one without the bridges. A pair is kept only when
all three pass the draft rules and their phrased queries pass the validators. Configs:
`{domain}_robustness_explicit`, `_implicit`, `_misinformed`."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from rbh import Catalog, Sample
from rbh_kg.generator.config import SOURCE, GeneratorConfig
from rbh_kg.generator.context import BuildContext, HiddenMix
from rbh_kg.generator.draft_rules import draft_violations
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.mining import UserSets, prior_count
from rbh_kg.generator.misinformed import build_misinformed
from rbh_kg.generator.phrasing.base import Phraser
from rbh_kg.generator.stats import GenerationStats
from rbh_kg.generator.validators import phrase_with_retries

ROBUSTNESS = "robustness"
PAIRED = ("explicit", "implicit", "misinformed")
TRIES = 16  # condition sets tried per user


class _OwnMix:
    """The build context with hidden-condition mixes of its own: the pairs follow the misinformed
    subtype's relation targets and entity cap without competing with the main samples' counts."""

    def __init__(self, ctx: BuildContext):
        self._ctx = ctx
        self._mixes: dict[str, HiddenMix] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def hidden_mix(self, subtype: str) -> HiddenMix:
        if subtype not in self._mixes:
            self._mixes[subtype] = self._ctx.new_hidden_mix(subtype)
        return self._mixes[subtype]


def paired_drafts(
    ctx: BuildContext, users: Sequence[UserSets], config: GeneratorConfig, histories: Mapping[str, Sequence[str]]
) -> list[Draft]:
    """Up to `config.robustness_pairs` triples (explicit, implicit, misinformed), one per user at
    most, users in a seeded order; flat, three drafts per pair."""
    ctx = cast(BuildContext, _OwnMix(ctx))
    order = list(users)
    random.Random(f"{config.seed}:{ROBUSTNESS}:{ctx.domain}").shuffle(order)
    out: list[Draft] = []
    for user in order:
        if len(out) >= 3 * config.robustness_pairs:
            break
        triple = _triple(ctx, user, config, histories)
        if triple:
            out.extend(triple)
    return out


def _triple(ctx: BuildContext, user: UserSets, config: GeneratorConfig, histories: Mapping[str, Sequence[str]]) -> list[Draft]:
    rng = random.Random(f"{config.seed}:{ROBUSTNESS}:{user.user_id}")
    pool = [s for _, sets in sorted(user.by_class.items()) for s in sets if prior_count(s[1]) >= config.min_prior_history]
    rng.shuffle(pool)
    for mined in pool[:TRIES]:
        misinformed = build_misinformed(ctx, user, mined, rng)
        if misinformed is None:
            continue
        key = f"{ROBUSTNESS}|{misinformed.key}"
        triple = [
            replace(misinformed, subtype="explicit", key=key, bridges=(), misinformation=()),
            replace(misinformed, subtype="implicit", key=key, misinformation=()),
            replace(misinformed, key=key),
        ]
        if not any(draft_violations(d, ctx, histories) for d in triple):
            return triple
    return []


def phrase_pairs(
    drafts: Sequence[Draft], phraser: Phraser, catalog: Catalog, config: GeneratorConfig, stats: GenerationStats
) -> dict[str, list[Sample]]:
    """Phrase every draft (re-asking a query that breaks a validator up to `max_attempts` times);
    pairs with a dropped member are dropped whole. Ids: `{domain}-robustness-{n:06d}-{subtype}`,
    `pair_id` `{domain}-robustness-{n:06d}`."""
    queries = phrase_with_retries(drafts, phraser, catalog, config.max_attempts, stats.rejected, lambda d: f"{ROBUSTNESS}_{d.subtype}")
    out: dict[str, list[Sample]] = {f"{ROBUSTNESS}_{s}": [] for s in PAIRED}
    n = 0
    for start in range(0, len(drafts) - 2, 3):
        members = [(drafts[i], queries[i]) for i in range(start, start + 3)]
        if any(q is None for _, q in members):
            stats.dropped[(drafts[start].domain, ROBUSTNESS)] += 1
            continue
        pair_id = f"{drafts[start].domain}-{ROBUSTNESS}-{n:06d}"
        for draft, phrased in members:
            assert phrased is not None
            sample = draft.to_sample(f"{pair_id}-{draft.subtype}", phrased[0], phrased[1], SOURCE)
            out[f"{ROBUSTNESS}_{draft.subtype}"].append(replace(sample, pair_id=pair_id))
        n += 1
    return {config_name: samples for config_name, samples in out.items() if samples}
