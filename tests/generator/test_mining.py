"""Condition mining: supported, closed, informative, at most four conditions; the target mix."""

from __future__ import annotations

import random

from rbh_kg.generator.config import GeneratorConfig
from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.mining import dedupe_history, mine_conditions, mine_users
from rbh_kg.generator.pipeline import build_drafts


def test_mined_sets_are_supported_closed_and_informative(small_inputs, small_config):
    ctx = BuildContext(small_inputs, small_config)
    index, cfg = ctx.index, small_config
    checked = 0
    for uid in small_inputs.user_ids()[:40]:
        items = dedupe_history(small_inputs.histories[uid], index)
        for facts, mask in mine_conditions(items, index, cfg, random.Random(uid)):
            gt = [i for p, i in enumerate(items) if mask >> p & 1]
            conditions = index.conditions(facts)
            assert 1 <= len(facts) <= cfg.max_conditions
            assert len(gt) >= cfg.min_support
            assert any(index.informative[f] for f in facts), "a too-frequent fact never stands alone"
            # ground truth = exactly the history items satisfying every condition
            assert gt == [i for i in items if small_inputs.kg.satisfies(i, conditions)]
            if len(facts) < cfg.max_conditions:  # closed: no further informative fact shared by all
                shared = set.intersection(*(set(index.item_facts[i]) for i in gt))
                assert not [f for f in shared - set(facts) if index.informative[f]]
            checked += 1
    assert checked > 100


def test_mining_is_deterministic_and_parallel_safe(small_inputs, small_config):
    ctx = BuildContext(small_inputs, small_config)
    histories = [(u, dedupe_history(small_inputs.histories[u], ctx.index)) for u in small_inputs.user_ids()[:120]]
    one = mine_users(histories, ctx.index, small_config)
    two = mine_users(histories, ctx.index, GeneratorConfig(**{**small_config.__dict__, "workers": 2}))
    assert one == two


def test_condition_mix_is_near_the_target(small_inputs, small_config):
    drafts = build_drafts(small_inputs, small_config)["explicit"]
    shares = [sum(1 for d in drafts if min(len(d.conditions), 3) == c) / len(drafts) for c in (1, 2, 3)]
    assert abs(shares[0] - 0.45) < 0.08 and abs(shares[1] - 0.47) < 0.08 and abs(shares[2] - 0.08) < 0.06, shares
