"""The `kg` user simulator (docs/interactive.md): deterministic and offline, grounded in the KG.

It plans each conversation (`planning.py`), opens it with the volunteered conditions (an
implicit or misinformed sample's bridged condition through its titles, the false premise
included), and answers each assistant turn by code:

- a recommendation that satisfies every true condition in the KG (and is not a title the user
  named as seen) is accepted, and the conversation ends;
- otherwise, recommendations that miss a condition get feedback naming the first condition they
  violate — a hidden one first, then one not yet given, then one already given (a reminder);
- each question is answered: an on-ask condition of its aspect is given, the entity behind the
  bridge titles is confirmed (for a false premise: corrected); other aspects get "I don't mind";
- a turn with neither gets a nudge for titles.

What each answer revealed, and how, is recorded in the turn (`Turn.revealed`), so the
interactive metrics need nothing but the conversation."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from rbh import KG, Conversation, PlannedCondition, Sample, Simulator, SimulatorContext, Turn
from rbh.data import Condition
from rbh.interactive import HIDDEN, ON_ASK, VOLUNTEERED
from rbh.scoring import parse_titles
from rbh_kg.generator.phrasing.describe import condition_groups, display_titles, nouns
from rbh_kg.simulator.aspects import aspect_noun, aspects_of, questions, without_questions
from rbh_kg.simulator.planning import plan_conditions

N_VARIANTS = 16
_PIECES = re.compile(r"\[SEP\]|\n")


@dataclass
class Decision:
    """What the user says to one assistant turn, before it is phrased: the turn record (without
    its text) and the parts of the answer in order (kind, payload)."""

    turn: Turn
    parts: list[tuple[str, Any]] = field(default_factory=list)
    accepted_title: str | None = None


class KGSimulator(Simulator):
    name = "kg"
    description = "deterministic, offline: volunteers, answers on ask, reveals hidden conditions as feedback; accepts by the KG"

    class Options(Simulator.Options):
        volunteer: float = Field(default=0.4, ge=0, le=1)  # share of conditions in the opening message
        hidden: float = Field(default=0.3, ge=0, le=1)  # share only revealed as feedback on a violating recommendation
        min_volunteered: int = Field(default=1, ge=0)  # conditions the opening names at least
        min_undisclosed: int = Field(default=1, ge=0)  # conditions the opening keeps back at least (when there are enough)
        consider: int = Field(default=3, ge=1)  # the first titles of a turn the user looks at (accepts or gives feedback on)

    options: Options

    def __init__(self, context: SimulatorContext, **options: Any):
        super().__init__(context, **options)
        if self.options.volunteer + self.options.hidden > 1:
            raise ValueError("volunteer + hidden must be at most 1")
        from rbh_kg.generator.phrasing.template import generator_environment

        catalog = context.catalog
        self.titles = display_titles({i: it.title for i, it in catalog.items.items()}, {i: it.year for i, it in catalog.items.items()})
        env = generator_environment(self._template_dirs())
        self.macros = env.get_template("simulator/kg.jinja").module
        self.relations = sorted(set(context.kg.relations()))

    def _template_dirs(self) -> Any:
        registry = self.context.registry
        return registry.template_paths() if registry is not None else None

    # -- opening ------------------------------------------------------------------------------
    def start(self, samples: Sequence[Sample]) -> list[Conversation]:
        out = []
        for sample in samples:
            if not sample.conditions:
                from rbh import DataError

                raise DataError(f"simulator {self.name}: sample {sample.id} has no conditions to converse about")
            o = self.options
            plan = plan_conditions(sample, self.context.seed, o.volunteer, o.hidden, o.min_volunteered, o.min_undisclosed)
            out.append(Conversation(plan, self.opening(sample, plan), self.name, self.context.max_turns, simulator_turns=1))
        return out

    def opening(self, sample: Sample, plan: Sequence[PlannedCondition]) -> str:
        v = self.variants(sample, "opening")
        said = [c.condition for c in plan if c.kind == VOLUNTEERED and not c.bridged]
        relation = titles = wrong = None
        if sample.bridges:
            relation = sample.bridges[0].relation
            titles = [self.titles[b.item_id] for b in sample.bridges]
            wrong = sample.misinformation[0].stated_entity if sample.misinformation else None
        text = self.macros.opening(
            sample.domain, nouns(sample.domain, False), condition_groups(said), v, relation=relation, titles=titles or [], wrong=wrong
        )
        return _tidy(str(text))

    def variants(self, sample: Sample, what: str, turn: int = 0) -> list[int]:
        rng = random.Random(f"{self.context.seed}:{what}:{sample.id}:{turn}")
        return [rng.randrange(1 << 16) for _ in range(N_VARIANTS)]

    # -- answering ----------------------------------------------------------------------------
    def respond(self, items: Sequence[tuple[Sample, Conversation, str]], turn: int) -> list[Turn]:
        decisions = [self.decide(sample, conversation, text) for sample, conversation, text in items]
        out = []
        for (sample, _, _), d in zip(items, decisions):
            d.turn.user = self.phrase(sample, d, turn)
            out.append(d.turn)
        return out

    def decide(self, sample: Sample, conversation: Conversation, text: str) -> Decision:
        """The user's reaction to one assistant message, by code."""
        kg, catalog = self.context.kg, self.context.catalog
        turn = Turn(assistant=text)
        decision = Decision(turn)
        truth = [Condition(c.relation, c.entity) for c in conversation.plan]
        revealed = conversation.revealed()
        seen = {b.item_id for b in sample.bridges}
        recommended, asked_questions = self.read(text)
        turn.recommended = recommended
        looked_at = recommended[: self.options.consider]
        known = [i for i in looked_at if i is not None]
        fresh = [i for i in known if i not in seen]
        hit = next((i for i in fresh if kg.satisfies(i, truth)), None)
        if hit is not None:
            turn.accepted = True
            decision.accepted_title = catalog[hit].title
            return decision
        turn.questions = len(asked_questions)
        for q in asked_questions:
            aspects = aspects_of(q, self.relations)
            turn.asked.extend(a for a in aspects if a not in turn.asked)
            if any(self._unrevealed(conversation, a, revealed) for a in aspects):
                turn.relevant += 1
        if fresh:
            missed = self._first_violated(conversation, fresh, revealed)
            if missed is not None:
                how = "reminder" if (missed.relation, missed.entity) in revealed else "feedback"
                if how == "feedback":
                    turn.revealed.append({"relation": missed.relation, "entity": missed.entity, "how": "feedback"})
                    revealed.add((missed.relation, missed.entity))
                decision.parts.append(("feedback", missed))
        elif known:
            decision.parts.append(("seen", None))
        for aspect in turn.asked:
            decision.parts.extend(self._answer_aspect(sample, conversation, aspect, revealed, turn))
        if not decision.parts:
            decision.parts.append(("nudge", bool(looked_at) and not known))
        return decision

    def read(self, text: str) -> tuple[list[str | None], list[str]]:
        """What a message recommends (catalog ids; None for a title the catalog lacks) and what
        it asks: its sentences ending with a question mark, except those that are catalog titles
        ("Who Framed Roger Rabbit?"). A parsed entry that is no title but holds a question is the
        question, and what is left of it once its questions are cut may still be a title."""
        catalog, options, fmt = self.context.catalog, self.context.resolution, self.context.output_format
        entries = parse_titles(text, fmt)
        found = catalog.resolve_many([(p.title, p.year) for p in entries], options) if entries else []
        recommended: list[str | None] = []
        for entry, resolution in zip(entries, found):
            if resolution.item_id is not None:
                recommended.append(resolution.item_id)
            elif "?" in entry.title:
                rest = parse_titles(without_questions(entry.title), fmt)
                recommended.extend(r.item_id for r in catalog.resolve_many([(p.title, p.year) for p in rest], options) if r.item_id)
            else:
                recommended.append(None)
        pieces = [p.strip() for p in _PIECES.split(text or "") if "?" in p]  # a question never spans a [SEP] or a line
        kept = catalog.resolve_many([(p, None) for p in pieces], options) if pieces else []
        asked = [q for piece, r in zip(pieces, kept) if r.item_id is None for q in questions(piece)]
        return recommended, asked

    def _unrevealed(self, conversation: Conversation, relation: str, revealed: set[tuple[str, str]]) -> bool:
        return any(c.relation == relation and (c.relation, c.entity) not in revealed for c in conversation.plan)

    def _first_violated(self, conversation: Conversation, items: Sequence[str], revealed: set[tuple[str, str]]) -> PlannedCondition | None:
        """The condition to give as feedback: the first (hidden, then not yet given, then given)
        that the recommendations miss."""
        kg: KG = self.context.kg
        missed = [c for c in conversation.plan if any(not kg.has(i, c.relation, c.entity) for i in items)]
        if not missed:
            return None

        def rank(c: PlannedCondition) -> int:
            if (c.relation, c.entity) in revealed:
                return 2
            return 0 if c.kind == HIDDEN else 1

        return min(missed, key=rank)

    def _answer_aspect(
        self, sample: Sample, conversation: Conversation, aspect: str, revealed: set[tuple[str, str]], turn: Turn
    ) -> list[tuple[str, Any]]:
        """The answer to a question about one aspect: its on-ask conditions; the bridged entity
        confirmed (or corrected, for a false premise); else no preference."""
        parts: list[tuple[str, Any]] = []
        for c in conversation.plan:
            if c.relation != aspect:
                continue
            key = (c.relation, c.entity)
            if c.bridged:
                if key not in revealed:
                    how = "corrected" if sample.misinformation else "asked"
                    turn.revealed.append({"relation": c.relation, "entity": c.entity, "how": how})
                    revealed.add(key)
                    parts.append(("confirm", (c.entity, bool(sample.misinformation))))
            elif c.kind == ON_ASK and key not in revealed:
                turn.revealed.append({"relation": c.relation, "entity": c.entity, "how": "asked"})
                revealed.add(key)
                parts.append(("answer", c))
        return parts or [("no_preference", aspect)]

    def phrase(self, sample: Sample, decision: Decision, turn: int) -> str:
        """The user's message for a decision (templates)."""
        v = self.variants(sample, "reply", turn)
        domain, m = sample.domain, self.macros
        if decision.turn.accepted:
            return _tidy(str(m.accept(decision.accepted_title, v[0])))
        said: list[str] = []
        answers = [c.condition for kind, c in decision.parts if kind == "answer"]
        for n, (kind, payload) in enumerate(decision.parts):
            w = v[n % N_VARIANTS]
            if kind == "feedback":
                said.append(m.feedback(domain, nouns(domain, False), condition_groups([payload.condition]), v))
            elif kind == "answer" and payload.condition == answers[0]:
                said.append(m.answer(domain, nouns(domain, False), condition_groups(answers), v))
            elif kind == "confirm":
                said.append(m.confirm(payload[0], payload[1], w))
            elif kind == "no_preference":
                said.append(m.no_preference(aspect_noun(payload, domain), w))
            elif kind == "seen":
                said.append(m.seen(w))
            elif kind == "nudge":
                said.append(m.nudge(payload, w))
        return _tidy(" ".join(str(s) for s in said))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:?!])", r"\1", " ".join(text.split()))
    return text[:1].upper() + text[1:]
