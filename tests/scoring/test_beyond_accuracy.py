"""Ranking, beyond-accuracy and diagnostic metrics, each against a hand-computed value."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from rbh.data.catalog import Catalog, Item
from rbh.data.sample import Condition, Misinformation
from rbh.models.base import Completion
from rbh.registry import get_registry
from rbh.scoring.context import TaskContext
from rbh.scoring.task_scoring import build_scorers, score_task
from rbh.tasks.config import TaskConfig
from rbh_recbench.conditions import CMR
from rbh_recbench.diagnosis import ConditionSatisfaction, PremiseFollowing
from rbh_recbench.exposure import Coverage, Entropy, Gini
from rbh_recbench.popularity import ARP, LongTailShare, Novelty, PopularityLift
from rbh_recbench.ranking import MAP, MRR, DuplicateRate
from tests.scoring.helpers import CATALOG, KG_, sample, scoring_input

# popularity 1: 3, 2: 2, 3: 1 (6 interactions); the head holding 80% is {1, 2}
POPULATION = [sample(history=h) for h in (("1", "2"), ("1", "3"), ("1",), ("2",))]
CONTEXT = TaskContext(CATALOG, POPULATION)


def with_context(response: str, s=None, catalog: Catalog = CATALOG, context: TaskContext = CONTEXT):  # type: ignore[no-untyped-def]
    return replace(scoring_input(response, s, catalog=catalog), context=context)


def test_mrr_and_map() -> None:
    assert MRR().score(scoring_input("Nonexistent Film [SEP] Heat [SEP] Alien")) == pytest.approx(1 / 3)
    assert MRR().score(scoring_input("Heat")) == 0.0
    assert MRR().score(scoring_input("Alien", sample(()))) is None
    # hits at ranks 1 and 3 over min(|G| = 2, |R| = 3): (1 + 2/3) / 2
    assert MAP().score(scoring_input("Alien [SEP] Heat [SEP] Aliens")) == pytest.approx(5 / 6)
    assert MAP().score(scoring_input("I'm sorry, I cannot help with that request today.")) == 0.0
    assert MAP().score(scoring_input("Alien", sample(("2", "3", "1")), k=5)) == pytest.approx(1 / 3)


def test_duplicate_rate_counts_before_deduplication() -> None:
    x = scoring_input("Heat [SEP] heat [SEP] Alien [SEP] Heat (1995)")
    assert len(x.recommended) == 2
    assert DuplicateRate().score(x) == 0.5
    assert DuplicateRate().score(scoring_input("Heat (1995) [SEP] Heat (2013)")) == 0.0  # two films
    assert DuplicateRate().score(scoring_input("")) is None


def test_popularity_context() -> None:
    assert CONTEXT.popularity == {"1": 3, "2": 2, "3": 1} and CONTEXT.interactions == 6
    assert CONTEXT.head(0.8) == {"1", "2"} and CONTEXT.head(0.5) == {"1"}


def test_arp_novelty_long_tail() -> None:
    x = with_context("Heat [SEP] Aliens [SEP] Psycho (1960) [SEP] Unknown Film")  # ids 1, 3, 5, None
    assert ARP().score(x) == pytest.approx(4 / 3)
    assert Novelty().score(x) == pytest.approx(-(math.log2(4 / 5) + math.log2(2 / 5) + math.log2(1 / 5)) / 3)
    assert LongTailShare().score(x) == pytest.approx(2 / 3)
    assert LongTailShare(head_share=0.5).score(x) == pytest.approx(2 / 3)
    unresolved = with_context("Unknown Film [SEP] Another Unknown")
    assert ARP().score(unresolved) is None and Novelty().score(unresolved) is None and LongTailShare().score(unresolved) is None


def test_no_histories_means_no_popularity() -> None:
    """A config without histories (demographics) has unknown popularity: undefined, not 0."""
    empty = TaskContext(CATALOG, [sample(id="g1"), sample(id="g2")])
    x = with_context("Heat [SEP] Aliens", context=empty)
    assert empty.interactions == 0
    assert ARP().score(x) is None and Novelty().score(x) is None and LongTailShare().score(x) is None
    assert PopularityLift().score_task([x])["popularity_lift"].value is None


def test_task_metrics_resample_samples_with_their_repeats() -> None:
    """Three identical repeats of two samples are two samples: the same stderr and n as one repeat."""
    a, b = sample(id="a"), sample(("2",), id="b")
    once = [with_context("Heat [SEP] Aliens", a), with_context("Psycho (1960)", b)]
    thrice = [x for x in once for _ in range(3)]
    for scorer in (Coverage(), Gini(), Entropy(), PopularityLift()):
        one, three = scorer.score_task(once)[scorer.metric], scorer.score_task(thrice)[scorer.metric]
        assert three.n == one.n == 2 and three.value == pytest.approx(one.value)
        assert three.stderr == pytest.approx(one.stderr)  # repeats add no information
    s = sample(("2",), conditions=(Condition("genre", "Horror"),))
    rows = [scoring_input("Psycho (1960) [SEP] Heat", replace(s, id=f"c{n // 3}")) for n in range(6)]
    cell = ConditionSatisfaction().task_breakdowns(rows)["relation"]["genre"]["relation_satisfaction"]
    assert cell.n == 2 and cell.value == pytest.approx(0.5)


def test_popularity_lift() -> None:
    a = with_context("Heat [SEP] Aliens [SEP] Psycho (1960)", sample(id="a"))  # ARP 4/3; truth 2, 3: 1.5
    b = with_context("Heat", sample(("2",), id="b"))  # ARP 3; truth 2
    lift = PopularityLift().score_task([a, b])["popularity_lift"]
    assert lift.value == pytest.approx((4 / 3 + 3) / 3.5 - 1) and lift.n == 2 and lift.stderr is not None
    assert PopularityLift().score_task([with_context("Unknown Film")])["popularity_lift"].value is None


def test_exposure_metrics() -> None:
    inputs = [
        with_context("Heat [SEP] Aliens [SEP] Psycho (1960)", sample(id="a")),
        with_context("Heat [SEP] Unknown Film", sample(id="b")),
    ]  # 1: 2, 3: 1, 5: 1
    assert Coverage().score_task(inputs)["coverage"].value == pytest.approx(3 / 10)
    gini = Gini().score_task(inputs)["gini"]  # ascending 7 zeros, 1, 1, 2: (5 + 7 + 9 x 2) / (10 x 4)
    assert gini.value == pytest.approx(0.75) and gini.stderr is not None and gini.stderr >= 0
    assert Entropy().score_task(inputs)["entropy"].value == pytest.approx(1.5 * math.log(2))


def test_exposure_edge_cases() -> None:
    unresolved = [with_context("Unknown Film"), with_context("")]
    assert Coverage().score_task(unresolved)["coverage"].value == 0.0
    assert Gini().score_task(unresolved)["gini"].value is None and Entropy().score_task(unresolved)["entropy"].value is None
    assert Coverage().score_task([])["coverage"].value is None
    one = Catalog([Item("1", "Heat", 1995)], domain="movie")
    single = [with_context("Heat", catalog=one, context=TaskContext(one, [])) for _ in range(3)]
    assert Coverage().score_task(single)["coverage"].value == 1.0
    assert Gini().score_task(single)["gini"].value == 0.0 and Entropy().score_task(single)["entropy"].value == 0.0


def test_condition_satisfaction_and_first_failed_condition() -> None:
    s = sample(("2",), conditions=(Condition("genre", "Horror"), Condition("directed_by", "Ridley Scott")))
    x = scoring_input("Psycho (1960) [SEP] Heat [SEP] Alien", s)  # 5: Horror only; 1: neither; 2: ground truth
    scorer = ConditionSatisfaction()
    assert scorer.score(x) == pytest.approx(3 / 6)
    assert scorer.details(x) == {"first_failed_condition": {"relation": "genre", "entity": "Horror"}}
    table = scorer.task_breakdowns([x])["relation"]
    assert table["genre"]["relation_satisfaction"].value == pytest.approx(2 / 3)
    assert table["directed_by"]["relation_satisfaction"].value == pytest.approx(1 / 3)
    empty = scoring_input("", s)
    assert scorer.score(empty) is None and scorer.details(empty) is None  # nothing resolved: nothing to check
    assert scorer.details(scoring_input("Alien", s)) == {"first_failed_condition": None}


def test_condition_memo_is_per_resolution() -> None:
    """Scorers of one sample share a memo; a scorer with its own resolution options sees its own
    resolved ids, so the memoized condition table and ground-truth hits are per resolution."""
    s = sample(("2",), conditions=(Condition("genre", "Horror"),))
    strict = scoring_input("Psycho (1960) [SEP] Heat", s)  # 5: Horror; 1: not
    loose = replace(strict, resolved=("5", None), memo=strict.memo)  # the same sample resolved otherwise
    assert CMR().score(strict) == pytest.approx(1 / 2)
    assert CMR().score(loose) == 1.0 and ConditionSatisfaction().score(loose) == 1.0
    assert ConditionSatisfaction().score(strict) == pytest.approx(1 / 2)
    hit = replace(strict, resolved=("2", None), memo=strict.memo)
    assert MRR().score(strict) == 0.0 and MRR().score(hit) == 1.0


def test_premise_following() -> None:
    s = sample(
        ("3",),
        subtype="misinformed",
        conditions=(Condition("directed_by", "James Cameron"),),
        misinformation=(Misinformation("3", "directed_by", "James Cameron", "Ridley Scott"),),
    )
    assert PremiseFollowing().score(scoring_input("Alien [SEP] Aliens [SEP] Unknown Film", s)) == 0.5
    assert PremiseFollowing().score(scoring_input("Unknown Film", s)) is None
    assert not PremiseFollowing().applies_to("explicit")


def test_score_task_reports_task_metrics_details_and_breakdowns() -> None:
    task = TaskConfig.model_validate(
        {
            "task": "t",
            "dataset": {"config": "movie_misinformed"},
            "prompt": {"user": "u.jinja"},
            "metrics": ["recall", "coverage", "gini", "condition_satisfaction", "premise_following", "correction"],
        }
    )
    scorers = build_scorers(task, get_registry())
    mis = (Misinformation("3", "directed_by", "James Cameron", "Ridley Scott"),)
    samples = [
        sample(("3",), subtype="misinformed", id=f"s{n}", conditions=(Condition("directed_by", "James Cameron"),), misinformation=mis)
        for n in range(3)
    ]
    texts = ["Alien [SEP] Aliens", "Heat", "Aliens"]
    completions = [Completion(text=t) for t in texts[:2]] + [Completion(text="", error="HTTP 500")]
    scores = score_task(task, samples, completions, CATALOG, KG_, scorers, k=None, population=POPULATION)
    assert scores.metrics["coverage"].value == pytest.approx(3 / 10) and scores.metrics["coverage"].n == 2
    assert "coverage" not in scores.samples[0].metrics
    assert scores.samples[0].details == {"first_failed_condition": {"relation": "directed_by", "entity": "James Cameron"}}
    assert scores.metrics["premise_following"].value == pytest.approx((0.5 + 0.0) / 2)
    assert scores.breakdowns["relation"]["directed_by"]["relation_satisfaction"]["value"] == pytest.approx(0.25)
    assert "misinformed_relation" not in scores.breakdowns  # one group only: the overall numbers


def test_scoring_pauses_the_garbage_collector_and_restores_it() -> None:
    import gc

    from rbh.scoring.base import Scorer
    from rbh.scoring.task_scoring import BuiltScorer

    seen: list[bool] = []

    class Probe(Scorer):
        name = "probe"

        def score(self, x):  # type: ignore[no-untyped-def]
            seen.append(gc.isenabled())
            return 1.0

    task = TaskConfig.model_validate({"task": "t", "dataset": {"config": "movie_explicit"}, "prompt": {"user": "u.jinja"}, "metrics": []})
    assert gc.isenabled()
    score_task(task, [sample()], [Completion(text="Heat")], CATALOG, KG_, [BuiltScorer(Probe(), {})], k=None)
    assert seen == [False] and gc.isenabled()
