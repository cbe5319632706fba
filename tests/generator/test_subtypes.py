"""Every subtype's drafts obey the generator's rules (docs/generator.md) on synthetic inputs."""

from __future__ import annotations

from collections import Counter

import pytest

from rbh import domain_profile
from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.draft_rules import draft_violations
from rbh_kg.generator.pipeline import build_drafts
from rbh_kg.generator.taste import TasteIndex, is_describable


@pytest.fixture(scope="module")
def drafts(small_inputs, small_config):
    return build_drafts(small_inputs, small_config)


def test_all_subtypes_present(drafts):
    assert set(drafts) == {"explicit", "implicit", "misinformed", "interest", "demographics", "robustness"}


def _position(history):
    return {item: n for n, item in enumerate(dict.fromkeys(history))}


def test_condition_drafts(drafts, small_inputs):
    kg = small_inputs.kg
    for subtype in ("explicit", "implicit", "misinformed"):
        for d in drafts[subtype]:
            history = small_inputs.histories[d.user_id]
            assert set(d.ground_truth) <= set(history)
            assert all(kg.satisfies(i, d.conditions) for i in d.ground_truth)
            pos = _position(history)
            assert len(d.history) >= 5 and max(pos[i] for i in d.history) < min(pos[i] for i in d.ground_truth), "history is the past"
            assert list(d.history) == [i for i in dict.fromkeys(history) if i in d.history], "time order kept"


def test_condition_count_mix_follows_each_subtype_target(drafts, small_config):
    for subtype in ("explicit", "implicit", "misinformed"):
        counts = Counter(min(len(d.conditions), 3) for d in drafts[subtype])
        shares = [counts[c] / sum(counts.values()) for c in (1, 2, 3)]
        assert all(abs(a - b) < 0.08 for a, b in zip(shares, small_config.mix(subtype))), (subtype, shares)


def test_implicit_bridges_identify_the_hidden_entity(drafts, small_inputs, small_config):
    kg = small_inputs.kg
    for subtype in ("implicit", "misinformed"):
        relations = Counter()
        for d in drafts[subtype]:
            assert 1 <= len(d.bridges) <= small_config.max_bridges
            assert len({(b.relation, b.entity) for b in d.bridges}) == 1
            relation, entity = d.bridges[0].relation, d.bridges[0].entity
            assert relation != "genre"
            shared = set.intersection(*(set(kg.entities(b.item_id, relation)) for b in d.bridges))
            assert shared == {entity}, "the bridges pin the hidden entity down"
            for b in d.bridges:
                assert b.item_id not in d.ground_truth and kg.has(b.item_id, b.relation, b.entity)
                assert any((c.relation, c.entity) == (b.relation, b.entity) for c in d.conditions)
            relations[relation] += 1
        target = small_config.hidden_targets("movie", subtype)
        assert set(relations) <= set(target)
        assert relations.most_common(1)[0][0] == "starring", "movies hide mostly actors, as the paper does"


def test_misinformation_is_wrong_but_plausible(drafts, small_inputs, small_config):
    kg, catalog = small_inputs.kg, small_inputs.catalog
    for d in drafts["misinformed"]:
        assert len(d.misinformation) == len(d.bridges)
        for m in d.misinformation:
            assert m.relation in domain_profile("movie").people
            assert m.stated_entity != m.true_entity and m.stated_entity not in {c.entity for c in d.conditions}
            assert not any(kg.has(b.item_id, m.relation, m.stated_entity) for b in d.bridges)
            years = [catalog[i].year for i in kg.items_with(m.relation, m.stated_entity)]
            for b in d.bridges:  # active when each bridge came out
                year = catalog[b.item_id].year
                assert min(years) <= year + small_config.active_before and max(years) >= year - small_config.active_after


def test_interest_ground_truth_is_what_came_after_the_seeds(drafts, small_inputs):
    tastes = TasteIndex(small_inputs.catalog, small_inputs.kg)
    assert drafts["interest"]
    for d in drafts["interest"]:
        seeds = d.group["pattern"].split(" > ")
        assert list(d.seeds) == seeds and 1 <= len(seeds) <= 3 and not set(seeds) & set(d.ground_truth)
        facts = [(c.relation, c.entity) for c in d.taste]
        assert is_describable(facts) and not {r for r, _ in facts} <= {"country", "language", "decade"}
        assert {r for r, _ in facts} <= {"genre", "decade", "country", "language"}, "a theme, never a person or series"
        assert all(tastes.holds(i, facts) for i in (*seeds, *d.ground_truth)), "seeds and ground truth share the taste"
        for item in d.ground_truth:  # some group member consumed it after the seeds
            assert any(
                item in (h := small_inputs.histories[u]) and h.index(item) > max(h.index(s) for s in seeds) for u in d.group["users"]
            )
        pos = _position(small_inputs.histories[d.user_id])
        truth = [pos[i] for i in d.ground_truth if i in pos]
        assert not truth or max(pos[i] for i in d.history) < min(truth)


def test_demographic_groups(drafts, small_inputs):
    tastes = TasteIndex(small_inputs.catalog, small_inputs.kg)
    seen, sizes = set(), Counter()
    for d in drafts["demographics"]:
        attrs = {k: v for k, v in d.group.items() if v is not None and k != "theme"}
        assert attrs and set(d.group) == {"age", "gender", "occupation", "theme"}
        assert d.group["theme"] == [{"relation": c.relation, "entity": c.entity} for c in d.taste]
        assert {c.relation for c in d.taste} == {"genre", "decade"}, "a genre of an era"
        assert 2 <= len(d.ground_truth) <= 5 and tastes.holds_all(d.ground_truth, [(c.relation, c.entity) for c in d.taste])
        assert not {c.relation for c in d.taste} & {"cinematography", "produced_by", "music_by", "starring"}, "no crew themes"
        seen.add(len(attrs))
        sizes[len(d.ground_truth)] += 1
    assert {1, 2} <= seen  # largest groups first: single attributes, then combinations
    assert sizes[3] >= 0.3 * sum(sizes.values()) and sizes[3] > sizes[4] + sizes[5], sizes


def test_draft_rules_reject_and_count(drafts, small_inputs, small_config):
    from dataclasses import replace

    from rbh.data.sample import Bridge

    ctx = BuildContext(small_inputs, small_config)
    d = drafts["implicit"][0]
    relation, entity = d.bridges[0].relation, d.bridges[0].entity
    many = next(i for i in small_inputs.kg.items_with(relation, entity) if len(small_inputs.kg.entities(i, relation)) > 1)
    ambiguous = replace(d, bridges=(Bridge(many, relation, entity),))
    assert "ambiguous_bridges" in draft_violations(ambiguous, ctx, small_inputs.histories)
    late = replace(d, history=(*d.history, d.ground_truth[-1]))
    assert "history_after_ground_truth" in draft_violations(late, ctx, small_inputs.histories)
    assert draft_violations(d, ctx, small_inputs.histories) == []


def test_demographic_themes_skip_the_usual_language(drafts, small_inputs):
    tastes = TasteIndex(small_inputs.catalog, small_inputs.kg)
    for d in drafts["demographics"]:
        for c in d.taste:
            if c.relation == "language":
                assert len(tastes.holders[(c.relation, c.entity)]) <= 0.3 * len(small_inputs.catalog), c
