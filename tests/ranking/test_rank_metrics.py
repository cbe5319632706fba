"""The metrics of candidate ranking, computed by hand on small lists; the analytic chance level
against simulation; `metric@k` names."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rbh.ranking.chance import chance_levels, expected
from rbh.registry import get_registry
from rbh.scoring.task_scoring import build_scorers
from rbh.tasks.config import TaskConfig
from tests.scoring.helpers import sample, scoring_input

# shown: Psycho (1960), Heat, Alien, Toy Story, Aliens; the positive is Alien
SHOWN = ("5", "1", "2", "7", "3")
RESPONSE = "Heat (1995) [SEP] Alien (1979) [SEP] Toy Story 2 (1999) [SEP] Heat (1995) [SEP] Psycho (1960)"


def _scorer(name: str, **options: object) -> object:
    task = TaskConfig(
        task="t", dataset={"config": "movie_explicit"}, prompt={"user": "u.jinja"}, metrics=[{"name": name, "options": options}]
    )
    return build_scorers(task, get_registry())[0].scorer


def _score(metric: str, response: str = RESPONSE, **kw: object) -> float | None:
    s = sample(ground_truth=("2",), candidates=SHOWN, history=("1",), **kw)
    return _scorer(metric).score(scoring_input(response, s))  # type: ignore[attr-defined,no-any-return]


def test_rank_metrics_by_hand() -> None:
    # answer (deduplicated): Heat (pos 2), Alien (pos 3, the positive), Toy Story 2 (not shown), Psycho (pos 1)
    assert _score("ndcg@5") == pytest.approx(1 / math.log2(3))  # the hit at rank 2; ideal: 1 positive at rank 1
    assert _score("ndcg@1") == 0.0 and _score("recall@1") == 0.0
    assert _score("recall@5") == 1.0 and _score("hit@2") == 1.0
    assert _score("mrr") == 0.5 and _score("mrr@1") == 0.0
    assert _score("candidate_error") == 0.25  # Toy Story 2 of 4
    assert _score("duplicate_rate") == 0.2  # Heat twice among 5 titles
    assert _score("history_error") == 0.25  # Heat is in the history
    assert _score("copy_error") == 0.0
    # shown positions in answer order: 1, 2, 0 -> ranks d = (0-1, 1-2, 2-0): rho = 1 - 6*6/(3*8) = -0.5
    assert _score("position_corr") == pytest.approx(-0.5)


def test_an_echoed_list_is_a_copy_that_follows_position() -> None:
    echoed = "Psycho (1960)\nHeat (1995)\nAlien (1979)\nToy Story (1995)\nAliens (1986)"
    s = sample(ground_truth=("2",), candidates=SHOWN)
    x = scoring_input(echoed.replace("\n", " [SEP] "), s)
    assert _scorer("copy_error").score(x) == 1.0  # type: ignore[attr-defined]
    assert _scorer("position_corr").score(x) == 1.0  # type: ignore[attr-defined]
    assert _scorer("ndcg@10").score(x) == pytest.approx(1 / math.log2(4))  # type: ignore[attr-defined]
    reversed_answer = " [SEP] ".join(reversed(echoed.splitlines()))
    assert _scorer("position_corr").score(scoring_input(reversed_answer, s)) == -1.0  # type: ignore[attr-defined]


def test_a_title_without_its_year_finds_the_listed_item() -> None:
    # two Psychos in the catalog; the list shows the 1998 one: "Psycho" is it, "Psycho (1960)" is not
    s = sample(ground_truth=("6",), candidates=("1", "6", "7"))
    assert _scorer("recall@1").score(scoring_input("Psycho", s)) == 1.0  # type: ignore[attr-defined]
    assert _scorer("candidate_error").score(scoring_input("Psycho", s)) == 0.0  # type: ignore[attr-defined]
    assert _scorer("candidate_error").score(scoring_input("Psycho (1960)", s)) == 1.0  # type: ignore[attr-defined]


def test_rank_metrics_are_undefined_without_a_candidate_list() -> None:
    for metric in ("candidate_error", "copy_error", "position_corr", "candidate_popular_share"):
        assert _scorer(metric).score(scoring_input("Heat", sample())) is None  # type: ignore[attr-defined]


def test_a_cutoff_on_a_metric_without_one_is_a_config_error() -> None:
    from rbh.errors import ConfigError

    with pytest.raises(ConfigError, match="ftr takes no cutoff"):
        _scorer("ftr@5")
    with pytest.raises(ConfigError, match="nope@5"):
        _scorer("nope@5")


def test_chance_levels_by_hand_and_by_simulation() -> None:
    gains = [1 / math.log2(i + 1) for i in range(1, 11)]
    assert expected("ndcg@10", 20, 1) == pytest.approx(sum(gains) / 20)  # 0.2272
    assert expected("mrr", 20, 1) == pytest.approx(sum(1 / i for i in range(1, 21)) / 20)  # H_20 / 20
    assert expected("recall@5", 20, 1) == 0.25 and expected("hit@10", 20, 1) == 0.5
    assert expected("precision", 20, 1) is None and expected("ndcg@10", 0, 1) is None
    # m = 2 positives of n = 10: simulate random orderings
    rng = np.random.default_rng(0)
    order = np.argsort(rng.random((40000, 10)), axis=1)  # order[r] lists item indices best first; items 0, 1 positive
    rank_of = np.argsort(order, axis=1)[:, :2] + 1  # 1-based ranks of the two positives
    dcg5 = np.where(rank_of <= 5, 1 / np.log2(rank_of + 1), 0).sum(axis=1)
    ideal = 1 + 1 / math.log2(3)
    assert expected("ndcg@5", 10, 2) == pytest.approx((dcg5 / ideal).mean(), abs=0.005)
    assert expected("mrr", 10, 2) == pytest.approx((1 / rank_of.min(axis=1)).mean(), abs=0.005)
    assert expected("recall@3", 10, 2) == pytest.approx((rank_of <= 3).mean(), abs=0.005)
    assert chance_levels(["ndcg@10", "candidate_error"], [(20, 1), (10, 1)]) == {
        "ndcg@10": round((sum(gains) / 20 + sum(gains) / 10) / 2, 6)  # the mean of a list of 20 and one of 10
    }


def test_the_fine_tuning_target_of_a_rank_sample_ranks_the_whole_list() -> None:
    from rbh_recbench.sft_export import target_text
    from tests.scoring.helpers import CATALOG

    s = sample(ground_truth=("2",), candidates=SHOWN)
    assert target_text(s, CATALOG, None, "lines").splitlines() == [
        "Alien (1979)", "Psycho (1960)", "Heat (1995)", "Toy Story (1995)", "Aliens (1986)"
    ]  # fmt: skip
    assert _score("ndcg@10", target_text(s, CATALOG, None, "lines").replace("\n", " [SEP] ")) == 1.0
    assert target_text(sample(ground_truth=("2", "3")), CATALOG, None, "sep") == "Alien (1979) [SEP] Aliens (1986)"
