"""The `kg` simulator's decisions one by one, on the shipped movie KG: planning, answering a
question, feedback that reveals a hidden condition, the false premise corrected when asked,
acceptance; the interactive metrics on hand-built conversations; the clarifier's hearing."""

from __future__ import annotations

from math import comb

import pytest

from rbh import Conversation, PlannedCondition, Sample, Turn
from rbh.data import Bridge, Condition, Misinformation
from rbh.data.resolution import ResolutionOptions
from rbh.interactive.simulator import SimulatorContext
from rbh.scoring.base import ScoringInput
from rbh_kg.curated import load_curated
from rbh_kg.simulator.kg import KGSimulator
from rbh_kg.simulator.planning import plan_conditions

CATALOG, KG = load_curated("movie")
SPIELBERG = [Condition("directed_by", "Steven Spielberg"), Condition("starring", "Harrison Ford"), Condition("genre", "Action")]


def _simulator(**options) -> KGSimulator:
    return KGSimulator(SimulatorContext(CATALOG, KG, "movie", "sep", ResolutionOptions(), 0, 5), **options)


def _sample(**kw) -> Sample:
    base = dict(id="s1", domain="movie", subtype="explicit", query="q", ground_truth=("raiders-of-the-lost-ark-1981",))
    return Sample(**{**base, "conditions": tuple(SPIELBERG), **kw})


def _conversation(kinds: dict[str, str], sample: Sample | None = None) -> Conversation:
    sample = sample or _sample()
    plan = [PlannedCondition(c.relation, c.entity, kinds.get(c.relation, "volunteered")) for c in sample.conditions]
    return Conversation(plan, "opening", "kg", 5)


def test_planning_is_seeded_and_keeps_one_condition_back():
    sample = _sample()
    plans = {tuple(c.kind for c in plan_conditions(sample, 0, 0.4, 0.3)) for _ in range(3)}
    assert len(plans) == 1, "the same seed plans the same way"
    for seed in range(30):
        kinds = [c.kind for c in plan_conditions(sample, seed, 1.0, 0.0)]
        assert kinds.count("volunteered") == 2, "even with volunteer=1, one condition is kept back"
        assert [c.kind for c in plan_conditions(_sample(conditions=(SPIELBERG[0],)), seed, 0.0, 1.0)] == ["volunteered"]


def test_a_question_about_an_on_ask_aspect_reveals_it():
    sim = _simulator()
    conversation = _conversation({"starring": "on_ask", "genre": "hidden"})
    (turn,) = sim.respond([(_sample(), conversation, "Great! Which actor would you like to see?")], 1)
    assert turn.questions == 1 and turn.relevant == 1 and turn.asked == ["starring"] and not turn.accepted
    assert turn.revealed == [{"relation": "starring", "entity": "Harrison Ford", "how": "asked"}]
    assert "Harrison Ford" in turn.user and "action" not in turn.user.lower(), "the hidden genre stays hidden"
    (turn,) = sim.respond([(_sample(), conversation, "Do you care about the genre?")], 1)
    assert turn.relevant == 1 and not turn.revealed and "don't" in turn.user.lower() or "doesn't" in turn.user.lower()


def test_feedback_reveals_the_hidden_condition_a_recommendation_misses_and_a_fit_is_accepted():
    sim = _simulator()
    conversation = _conversation({"genre": "hidden"})
    # Schindler's List is Spielberg's, without Harrison Ford (volunteered) and not Action (hidden): the hidden one first
    (turn,) = sim.respond([(_sample(), conversation, "Schindler's List (1993)")], 1)
    assert turn.recommended == ["schindlers-list-1993"] and not turn.accepted
    assert turn.revealed == [{"relation": "genre", "entity": "Action", "how": "feedback"}] and "action" in turn.user.lower()
    conversation.turns.append(turn)
    (turn,) = sim.respond([(_sample(), conversation, "Jaws (1975) [SEP] Raiders of the Lost Ark (1981)")], 2)
    assert turn.accepted and "Raiders of the Lost Ark" in turn.user
    conversation.turns.append(turn)
    assert conversation.success_turn == 2 and conversation.revealed() >= {("genre", "Action")}


def test_only_the_first_titles_are_looked_at():
    sim = _simulator(consider=1)
    (turn,) = sim.respond([(_sample(), _conversation({}), "Jaws (1975) [SEP] Raiders of the Lost Ark (1981)")], 1)
    assert not turn.accepted, "the user looks at the first title only"


def test_the_false_premise_is_corrected_only_when_asked():
    bridges = (Bridge("indiana-jones-and-the-temple-of-doom-1984", "starring", "Harrison Ford"),)
    wrong = (Misinformation("indiana-jones-and-the-temple-of-doom-1984", "starring", "Harrison Ford", "Kevin Costner"),)
    sample = _sample(subtype="misinformed", bridges=bridges, misinformation=wrong)
    sim = _simulator()
    (conversation,) = sim.start([sample])
    assert "Kevin Costner" in conversation.opening and "Harrison Ford" not in conversation.opening
    (turn,) = sim.respond([(sample, conversation, "Sure. Is there a director you like?")], 1)
    assert not any(r["how"] == "corrected" for r in turn.revealed)
    (turn,) = sim.respond([(sample, conversation, "Just checking: which actor was it in Temple of Doom?")], 1)
    assert {"relation": "starring", "entity": "Harrison Ford", "how": "corrected"} in turn.revealed and "Harrison Ford" in turn.user


def test_a_title_with_a_question_mark_is_a_title_not_a_question():
    sim = _simulator()
    recommended, asked = sim.read("Who Framed Roger Rabbit (1988) [SEP] Jaws (1975)")
    assert recommended == ["who-framed-roger-rabbit-1988", "jaws-1975"] and asked == []
    recommended, asked = sim.read("Happy to help! Which genre are you in the mood for?")
    assert recommended == [] and asked == ["Which genre are you in the mood for?"]


def _x(conversation: Conversation, sample_id: str = "s") -> ScoringInput:
    return ScoringInput(_sample(id=sample_id), "", (), (), CATALOG, KG, conversation=conversation)


def _finished(success_turn: int | None, questions: int = 0, relevant: int = 0) -> Conversation:
    c = _conversation({"starring": "on_ask", "genre": "hidden"})
    for t in range(1, 4):
        c.turns.append(Turn(assistant="a", user="u", questions=questions if t == 1 else 0, relevant=relevant if t == 1 else 0))
        if t == success_turn:
            c.turns[-1].accepted = True
            break
    return c


def test_interactive_metrics_by_hand():
    from rbh_recbench.interactive import Discovered, PassK, QuestionRelevance, Success, SuccessCurve, Turns

    c = _finished(2, questions=2, relevant=1)
    c.turns[0].revealed.append({"relation": "starring", "entity": "Harrison Ford", "how": "asked"})
    assert Success().score(_x(c)) == 1.0 and Turns().score(_x(c)) == 2.0
    assert QuestionRelevance().score(_x(c)) == 0.5 and Discovered().score(_x(c)) == 0.5
    never = _finished(None)
    assert Success().score(_x(never)) == 0.0 and Turns().score(_x(never)) is None and QuestionRelevance().score(_x(never)) is None
    curve = SuccessCurve().score_task([_x(c, "a"), _x(never, "b")])
    assert curve["success@1"].value == 0.0 and curve["success@2"].value == 0.5 and curve["success@5"].value == 0.5
    # pass^k over 4 tries: sample a succeeds 3 times, b once
    tries = [_x(_finished(1), "a")] * 3 + [_x(never, "a"), _x(_finished(1), "b")] + [_x(never, "b")] * 3
    passk = PassK().score_task(tries)
    for k in range(1, 5):
        expected = (comb(3, k) / comb(4, k) + comb(1, k) / comb(4, k)) / 2
        assert passk[f"pass^{k}"].value == pytest.approx(expected), k
    assert passk["pass^1"].value == 0.5 and passk["pass^4"].value == 0.0


def test_clarifier_hears_entities_and_forgets_what_feedback_contradicts():
    from rbh_baselines.clarifier import EntityIndex, matching

    index = EntityIndex(CATALOG, KG)
    heard = index.mentions("I'd like action films directed by Steven Spielberg, maybe with Harrison Ford.")
    assert {("directed_by", "Steven Spielberg")} <= heard[1] and ("starring", "Harrison Ford") in heard[2]
    items = matching(KG, set(CATALOG.items), heard)
    assert "raiders-of-the-lost-ark-1981" in items and all(KG.has(i, "directed_by", "Steven Spielberg") for i in items)
    wrong = index.mentions("movies starring Kevin Costner") + index.mentions(
        "no: I mean movies directed by Steven Spielberg and starring Tom Hanks"
    )
    kept = matching(KG, set(CATALOG.items), wrong)
    assert kept and all(KG.has(i, "starring", "Tom Hanks") for i in kept), "the premise no item fits is dropped first"
