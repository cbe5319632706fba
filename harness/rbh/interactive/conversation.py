"""A conversation between an assistant and a simulated user (docs/interactive.md): the plan of
what the user says when, and one record per assistant turn — what the user answered, which
conditions that revealed and how, whether a recommendation was accepted. The records are what
the interactive metrics read, so `rbh score` re-scores a saved conversation without running it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rbh.data.sample import Condition

VOLUNTEERED, ON_ASK, HIDDEN = "volunteered", "on_ask", "hidden"
KINDS = (VOLUNTEERED, ON_ASK, HIDDEN)


@dataclass(frozen=True)
class PlannedCondition:
    """A true condition and when the user gives it away: in the opening message (`volunteered`),
    when asked about its aspect (`on_ask`), or only as feedback on a recommendation that violates
    it (`hidden`). `bridged` marks the condition an implicit or misinformed opening refers to
    through bridge titles (volunteered, but not by name)."""

    relation: str
    entity: str
    kind: str
    bridged: bool = False

    @property
    def condition(self) -> Condition:
        return Condition(self.relation, self.entity)

    def to_dict(self) -> dict[str, Any]:
        return {"relation": self.relation, "entity": self.entity, "kind": self.kind, "bridged": self.bridged}

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "PlannedCondition":
        return cls(str(row["relation"]), str(row["entity"]), str(row["kind"]), bool(row.get("bridged", False)))


@dataclass
class Turn:
    """One assistant turn and the user's answer to it.

    `asked`: the aspects (relations) the assistant's questions were about; `questions`: how many
    questions it asked, `relevant`: how many of them were about a condition not yet revealed;
    `revealed`: the conditions this answer gave away ({relation, entity, how}: asked / feedback);
    `recommended`: catalog ids the turn recommended (None for an unknown title); `accepted`: one
    of them satisfies every condition; `leaks`: simulator replies rejected by the leakage guard;
    `tool_calls`: catalog searches the assistant made before answering."""

    assistant: str
    user: str | None = None
    asked: list[str] = field(default_factory=list)
    questions: int = 0
    relevant: int = 0
    revealed: list[dict[str, str]] = field(default_factory=list)
    recommended: list[str | None] = field(default_factory=list)
    accepted: bool = False
    leaks: int = 0
    tool_calls: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "assistant": self.assistant,
            "user": self.user,
            "asked": list(self.asked),
            "questions": self.questions,
            "relevant": self.relevant,
            "revealed": [dict(r) for r in self.revealed],
            "recommended": list(self.recommended),
            "accepted": self.accepted,
            "leaks": self.leaks,
            "tool_calls": self.tool_calls,
        }

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "Turn":
        return cls(
            assistant=str(row.get("assistant") or ""),
            user=row.get("user"),
            asked=[str(a) for a in row.get("asked") or ()],
            questions=int(row.get("questions") or 0),
            relevant=int(row.get("relevant") or 0),
            revealed=[{str(k): str(v) for k, v in r.items()} for r in row.get("revealed") or ()],
            recommended=[None if i is None else str(i) for i in row.get("recommended") or ()],
            accepted=bool(row.get("accepted")),
            leaks=int(row.get("leaks") or 0),
            tool_calls=int(row.get("tool_calls") or 0),
        )


@dataclass
class Conversation:
    """The plan, the opening message and the turns of one conversation. `simulator` names the
    simulator that played the user; `guarded` is true when a leakage guard checked its replies
    and `flagged` when a reply still leaked after every re-ask."""

    plan: list[PlannedCondition]
    opening: str
    simulator: str
    max_turns: int
    turns: list[Turn] = field(default_factory=list)
    guarded: bool = False
    flagged: bool = False
    simulator_turns: int = 0  # replies the simulator wrote (the opening included)

    @property
    def success_turn(self) -> int | None:
        """The 1-based turn whose recommendation the user accepted, or None."""
        return next((n for n, t in enumerate(self.turns, 1) if t.accepted), None)

    def of_kind(self, *kinds: str) -> list[PlannedCondition]:
        return [c for c in self.plan if c.kind in kinds]

    def revealed(self, upto: int | None = None) -> set[tuple[str, str]]:
        """(relation, entity) of every condition the user has given away, by the opening or by
        the answers to the first `upto` turns (all turns when None). A bridged condition is not
        given away by the opening (it names titles, not the entity) until an answer confirms it."""
        out = {(c.relation, c.entity) for c in self.of_kind(VOLUNTEERED) if not c.bridged}
        for turn in self.turns[:upto]:
            out |= {(r["relation"], r["entity"]) for r in turn.revealed}
        return out

    def discoverable(self) -> list[PlannedCondition]:
        """The conditions the assistant has to earn: on-ask and hidden ones."""
        return self.of_kind(ON_ASK, HIDDEN)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": [c.to_dict() for c in self.plan],
            "opening": self.opening,
            "simulator": self.simulator,
            "max_turns": self.max_turns,
            "turns": [t.to_dict() for t in self.turns],
            "guarded": self.guarded,
            "flagged": self.flagged,
            "simulator_turns": self.simulator_turns,
        }

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> "Conversation":
        return cls(
            plan=[PlannedCondition.from_dict(c) for c in row.get("plan") or ()],
            opening=str(row.get("opening") or ""),
            simulator=str(row.get("simulator") or ""),
            max_turns=int(row.get("max_turns") or 0),
            turns=[Turn.from_dict(t) for t in row.get("turns") or ()],
            guarded=bool(row.get("guarded")),
            flagged=bool(row.get("flagged")),
            simulator_turns=int(row.get("simulator_turns") or 0),
        )


def messages_of(system: Sequence[Mapping[str, Any]], conversation: Conversation) -> list[dict[str, Any]]:
    """The chat an assistant sees before its next turn: the task's system message(s), the opening
    message, then every assistant turn and user answer so far."""
    out = [dict(m) for m in system]
    out.append({"role": "user", "content": conversation.opening})
    for turn in conversation.turns:
        out.append({"role": "assistant", "content": turn.assistant})
        if turn.user is not None:
            out.append({"role": "user", "content": turn.user})
    return out
