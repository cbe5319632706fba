"""The metric suite (docs/design.md §8.3) and the official evaluator's quirks (§8.4), per sample."""

from __future__ import annotations

import math

import pytest

from rbh.data.sample import Condition, Misinformation
from rbh_recbench.conditions import CMR
from rbh_recbench.correction import Correction, flags_premise
from rbh_recbench.official import OfficialFTR, OfficialHit, match_titles, name2id, official_scores, predicted_titles
from rbh_recbench.quality import HistoryRepeat, Unresolved
from rbh_recbench.relevance import FTR, NDCG, Hit, Precision, Recall
from tests.scoring.helpers import CATALOG, sample, scoring_input


def test_relevance_rbh() -> None:
    x = scoring_input("Heat [SEP] Aliens (1986) [SEP] Nonexistent Film [SEP] Alien")
    assert Recall().score(x) == 1.0
    assert Precision().score(x) == 0.5
    assert NDCG().score(x) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3)))
    assert Hit().score(x) == 1.0 and FTR().score(x) == 0.0
    assert Unresolved().score(x) == 0.25


def test_empty_answer() -> None:
    x = scoring_input("I'm sorry, I cannot help with that request today.")
    assert FTR().score(x) == 1.0 and Recall().score(x) == 0.0 and Precision().score(x) == 0.0
    assert Unresolved().score(x) is None and CMR().score(x) is None


def test_ground_truth_kept_as_title_matches_by_key() -> None:
    x = scoring_input("The Imaginary Movie [SEP] Heat", sample(("Imaginary Movie, The", "2")))
    assert Recall().score(x) == 0.5


def test_ndcg_idcg_uses_k() -> None:
    x = scoring_input("Alien", sample(("2", "3", "1")), k=5)
    assert NDCG().score(x) == pytest.approx(1 / (1 + 1 / math.log2(3) + 0.5))


def test_cmr_and_coverage() -> None:
    s = sample(("2",), conditions=(Condition("genre", "Horror"),))
    x = scoring_input("Psycho (1960) [SEP] Heat [SEP] Alien [SEP] Unknown Film", s)
    assert CMR().score(x) == pytest.approx(2 / 3)
    agg = CMR().aggregate([1.0, None, 0.5, None])
    assert agg["cmr"].value == 0.75 and agg["cmr_coverage"].value == 0.5
    assert not CMR().applies_to("interest")


def test_history_repeat() -> None:
    x = scoring_input("Heat [SEP] Alien [SEP] Psycho", sample(("3",), history=("1", "5")))
    assert HistoryRepeat().score(x) == pytest.approx(2 / 3)
    assert HistoryRepeat().score(scoring_input("Heat", sample(("3",)))) is None


def test_correction_by_entity_or_premise() -> None:
    s = sample(
        ("1",),
        subtype="misinformed",
        query="Films by Yoshihisa Kishimoto, who made Girl 6",
        misinformation=(Misinformation("x", "directed_by", "Spike Lee", "Yoshihisa Kishimoto"),),
    )
    assert Correction().score(scoring_input("Loved Spike Lee's films: Malcolm X [SEP] Crooklyn", s)) == 1.0
    assert Correction().score(scoring_input("There seems to be a mix-up here. [SEP] Heat", s)) == 1.0
    assert Correction(premise=False).score(scoring_input("There seems to be a mix-up here. [SEP] Heat", s)) == 0.0
    assert Correction().score(scoring_input("Margin for Error [SEP] A Merry Mix-Up [SEP] Heat", s)) == 0.0
    assert flags_premise("Sorry, Jacques R. Marquette was not the cinematographer for the film.")
    assert flags_premise("Ercan Kesal isn't featured in Summertime (1955).")
    assert not flags_premise("Taxi Driver [SEP] Hero at Large")


def test_official_title_split_strip_and_padding() -> None:
    assert predicted_titles(" 'Heat (1995)' [SEP] \"Alien (1979)\" [SEP] x", 5) == ["Heat", "Alien", "x", "none", "none"]
    assert predicted_titles("Heat (1995) [SEP] Alien", None) == ["Heat", "Alien"]
    assert predicted_titles("A [SEP] B [SEP] C", 2) == ["A", "B"]
    assert predicted_titles("A [SEP] B", 4) == ["A", "B", "none", "none"]
    assert match_titles(["The Breakfast Club"], ["The Breakfast Club (1985)"], 0.8) == ["The Breakfast Club (1985)"]
    assert match_titles(["Breakfast Club"], ["The Breakfast Club (1985)"], 0.8) == ["Breakfast Club"]


def test_official_profile_scores_and_quirks() -> None:
    s = sample(("4", "1"), subtype="demographics", ground_truth_titles=("The Breakfast Club (1985)", "Heat (1995)"))
    x = scoring_input("The Breakfast Club [SEP] The Breakfast Club [SEP] Nope", s)
    result = official_scores(x)
    assert result.recall == 0.5 and result.precision == pytest.approx(1 / 3)
    assert result.ndcg == pytest.approx((1 + 1 / math.log2(3)) / (1 + 1 / math.log2(3)))  # a title matched twice counts twice
    assert result.ftr == 0.0 and result.cmr is None
    assert OfficialFTR().score(scoring_input("Heat", s)) == 1.0  # no [SEP] = failed, even with a title
    assert OfficialHit().score(x) == 1.0


def test_official_condition_scores_take_the_max_and_cmr() -> None:
    s = sample(("2",), conditions=(Condition("genre", "Horror"),), ground_truth_titles=("Some Other Spelling (1979)",))
    x = scoring_input("Alien [SEP] Psycho [SEP] Heat [SEP] Zzz Unknown", s)
    result = official_scores(x)
    assert result.recall == 1.0 and result.precision == 0.25  # by id: Alien -> "2"
    assert result.cmr == pytest.approx(2 / 3)  # Alien (truth) + Psycho satisfy; Heat does not; unknown not found
    none_found = official_scores(scoring_input("Zzz [SEP] Qqq", s))
    assert none_found.cmr is None  # -1 in the released code: excluded from the mean


def test_official_name2id_exact_then_substring() -> None:
    assert name2id("Heat (1995)", CATALOG) == "1"
    assert name2id("Episode IV", CATALOG) == "10"
    assert name2id("heat", CATALOG) is None  # case-sensitive like the Cypher query
