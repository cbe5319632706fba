"""Every subtype's drafts obey DESIGN §9 on synthetic inputs."""

from __future__ import annotations

import pytest

from rbh_kg.generator.pipeline import build_drafts


@pytest.fixture(scope="module")
def drafts(small_inputs, small_config):
    return build_drafts(small_inputs, small_config)


def test_all_subtypes_present(drafts):
    assert set(drafts) == {"explicit", "implicit", "misinformed", "interest", "demographics"}


def test_condition_drafts(drafts, small_inputs):
    kg = small_inputs.kg
    for subtype in ("explicit", "implicit", "misinformed"):
        for d in drafts[subtype]:
            history = small_inputs.histories[d.user_id]
            assert set(d.ground_truth) <= set(history)
            assert not set(d.history) & set(d.ground_truth), "history never holds ground truth"
            assert list(d.history) == [i for i in dict.fromkeys(history) if i in d.history], "time order kept"
            assert all(kg.satisfies(i, d.conditions) for i in d.ground_truth)


def test_implicit_bridges(drafts, small_inputs):
    kg = small_inputs.kg
    for subtype in ("implicit", "misinformed"):
        for d in drafts[subtype]:
            assert 1 <= len(d.bridges) <= 2
            assert len({(b.relation, b.entity) for b in d.bridges}) == 1
            for b in d.bridges:
                assert b.item_id not in d.ground_truth
                assert kg.has(b.item_id, b.relation, b.entity)
                assert any((c.relation, c.entity) == (b.relation, b.entity) for c in d.conditions)


def test_misinformation_is_wrong_but_plausible(drafts, small_inputs):
    kg = small_inputs.kg
    for d in drafts["misinformed"]:
        assert len(d.misinformation) == len(d.bridges)
        for m in d.misinformation:
            assert m.stated_entity != m.true_entity
            assert not kg.has(m.item_id, m.relation, m.stated_entity)
            assert kg.items_with(m.relation, m.stated_entity), "the wrong entity exists for that relation"


def test_interest_groups(drafts, small_inputs, small_config):
    for d in drafts["interest"]:
        pattern = d.group["pattern"].split(" > ")
        assert set(d.ground_truth) <= set(pattern) and len(d.ground_truth) >= 2
        assert len(d.group["users"]) >= small_config.interest_min_users
        assert all(small_inputs.kg.satisfies(i, d.taste) for i in d.ground_truth)
        for uid in d.group["users"]:
            assert set(pattern) <= set(small_inputs.histories[uid])


def test_demographic_groups(drafts, small_inputs):
    seen = set()
    for d in drafts["demographics"]:
        attrs = {k: v for k, v in d.group.items() if v is not None}
        assert attrs and set(d.group) == {"age", "gender", "occupation"}
        assert len(d.ground_truth) >= 2 and all(small_inputs.kg.satisfies(i, d.taste) for i in d.ground_truth)
        seen.add(len(attrs))
    assert {1, 2} <= seen  # largest groups first: single attributes, then combinations
