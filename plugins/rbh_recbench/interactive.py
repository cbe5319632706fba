"""Metrics of interactive tasks (docs/interactive.md), read from each sample's conversation:
`success` (an item satisfying every condition was recommended and accepted), the curve
`success@t`, `turns` to success, `questions` asked and their `question_relevance`, the share of
earnable conditions `discovered`, `pass^k` over repeats (the chance all k tries succeed, unbiased
C(c,k)/C(n,k)), the simulator's `leak_rate` and the assistant's `tool_calls`. Single-turn metrics
(recall, ndcg, ...) score the conversation's last answer as usual."""

from __future__ import annotations

from collections.abc import Sequence
from math import comb
from typing import TYPE_CHECKING

from rbh import MetricValue, Scorer, ScoringInput, TaskScorer, mean_with_stderr
from rbh.scoring import Breakdown, sample_index

if TYPE_CHECKING:
    from rbh import Conversation


class _ConversationScorer(Scorer):
    """A per-sample metric of the conversation (None on single-turn tasks)."""

    uses_resolution = False

    def score(self, x: ScoringInput) -> float | None:
        return None if x.conversation is None else self.of(x.conversation)

    def of(self, conversation: "Conversation") -> float | None:
        raise NotImplementedError


class Success(_ConversationScorer):
    name = "success"
    description = "1 when a recommendation satisfying every condition was accepted within the turn limit"

    def of(self, conversation: "Conversation") -> float | None:
        return 1.0 if conversation.success_turn is not None else 0.0

    def task_breakdowns(self, inputs: Sequence[ScoringInput], seed: int = 0) -> Breakdown:
        """Success by the number of hidden conditions of the conversation."""
        groups: dict[str, list[float | None]] = {}
        for x in inputs:
            if x.conversation is not None:
                n = len(x.conversation.of_kind("hidden"))
                groups.setdefault(str(n) if n < 2 else "2+", []).append(self.of(x.conversation))
        if len(groups) < 2:
            return {}
        return {"hidden_conditions": {g: {self.metric: mean_with_stderr(v, seed)} for g, v in sorted(groups.items())}}


class SuccessCurve(TaskScorer):
    name = "success_curve"
    description = "success@t for every turn t: the share of conversations accepted by turn t (repeats averaged per sample)"
    uses_resolution = False

    def score_task(self, inputs: Sequence[ScoringInput], seed: int = 0) -> dict[str, MetricValue]:
        conversations = [(x, x.conversation) for x in inputs if x.conversation is not None]
        if not conversations:
            return {}
        turns = max(c.max_turns for _, c in conversations)
        of_sample, n = sample_index([x for x, _ in conversations])
        out = {}
        for t in range(1, turns + 1):
            sums, counts = [0.0] * n, [0] * n
            for (_, c), s in zip(conversations, of_sample):
                turn = c.success_turn
                sums[s] += 1.0 if turn is not None and turn <= t else 0.0
                counts[s] += 1
            out[f"success@{t}"] = mean_with_stderr([sums[s] / counts[s] for s in range(n) if counts[s]], seed)
        return out


class Turns(_ConversationScorer):
    name = "turns"
    higher_is_better = False
    description = "the turn at which a recommendation was accepted (undefined without success)"

    def of(self, conversation: "Conversation") -> float | None:
        turn = conversation.success_turn
        return None if turn is None else float(turn)


class Questions(_ConversationScorer):
    name = "questions"
    higher_is_better = None
    description = "questions the assistant asked over the conversation"

    def of(self, conversation: "Conversation") -> float | None:
        return float(sum(t.questions for t in conversation.turns))


class QuestionRelevance(_ConversationScorer):
    name = "question_relevance"
    description = "share of the assistant's questions about a condition not yet revealed (undefined without questions)"

    def of(self, conversation: "Conversation") -> float | None:
        asked = sum(t.questions for t in conversation.turns)
        return sum(t.relevant for t in conversation.turns) / asked if asked else None


class Discovered(_ConversationScorer):
    name = "discovered"
    description = "share of the on-ask and hidden conditions the conversation revealed (undefined when there are none)"

    def of(self, conversation: "Conversation") -> float | None:
        earnable = conversation.discoverable()
        if not earnable:
            return None
        revealed = conversation.revealed()
        return sum(1 for c in earnable if (c.relation, c.entity) in revealed) / len(earnable)


class LeakRate(_ConversationScorer):
    name = "leak_rate"
    higher_is_better = False
    description = "share of the simulator model's replies the leakage guard rejected at least once (guarded simulators only)"

    def of(self, conversation: "Conversation") -> float | None:
        worded = [t for t in conversation.turns[: conversation.max_turns - 1] if not t.accepted]  # replies the model wrote
        if not conversation.guarded or not worded:
            return None
        return sum(1 for t in worded if t.leaks) / len(worded)


class ToolCalls(_ConversationScorer):
    name = "tool_calls"
    higher_is_better = None
    description = "catalog searches the assistant made over the conversation"

    def of(self, conversation: "Conversation") -> float | None:
        return float(sum(t.tool_calls for t in conversation.turns))


class PassK(TaskScorer):
    name = "pass_k"
    description = "pass^k for k = 1 .. --repeats: the chance that all k tries of a conversation succeed, C(c,k)/C(n,k) per sample"
    uses_resolution = False

    def score_task(self, inputs: Sequence[ScoringInput], seed: int = 0) -> dict[str, MetricValue]:
        conversations = [(x, x.conversation) for x in inputs if x.conversation is not None]
        if not conversations:
            return {}
        of_sample, n = sample_index([x for x, _ in conversations])
        tries, wins = [0] * n, [0] * n
        for (_, c), s in zip(conversations, of_sample):
            tries[s] += 1
            wins[s] += c.success_turn is not None
        most = min(tries)
        return {f"pass^{k}": mean_with_stderr([comb(wins[s], k) / comb(tries[s], k) for s in range(n)], seed) for k in range(1, most + 1)}


INTERACTIVE_SCORERS = (Success, SuccessCurve, Turns, Questions, QuestionRelevance, Discovered, LeakRate, ToolCalls, PassK)
