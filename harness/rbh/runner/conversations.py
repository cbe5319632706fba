"""Interactive tasks (docs/interactive.md): every conversation of a task advanced one turn at a
time. A turn is one batch of requests through the completion service — so the response cache,
de-duplication, concurrency, rate limits, batch APIs and cost all apply per turn — then one batch
of user answers from the simulator. A killed run, run again, finds every answered turn in the
cache (the simulator is deterministic, or itself cached) and sends only what is missing.

With tools, a turn may take several rounds: the assistant's tool calls are answered from the
dataset (`rbh.interactive.tools`) and it is asked again, up to `max_tool_calls` rounds; the
conversation carries the final answer of each turn forward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rbh.interactive.conversation import Conversation
from rbh.interactive.tools import CatalogSearch, tool_messages

if TYPE_CHECKING:
    from rbh.completion import CompletionCounts, CompletionService
    from rbh.models.base import ChatRequest, Completion
    from rbh.runner.plan import TaskPlan


@dataclass
class ConversationResults:
    """Per conversation (sample × repeat, in request order): the last request and completion (what
    single-turn metrics score) and the conversation record."""

    requests: list["ChatRequest"] = field(default_factory=list)
    completions: list["Completion"] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)


@dataclass
class _Live:
    """One conversation while it runs."""

    position: int  # in request order: sample index × repeats + repeat
    index: int
    repeat: int
    messages: list[dict[str, Any]]
    conversation: Conversation
    request: "ChatRequest | None" = None
    completion: "Completion | None" = None
    tool_calls: int = 0
    cached: bool = True  # every request of it came from the cache
    done: bool = False


def run_conversations(
    plan: "TaskPlan",
    service: "CompletionService",
    counts: "CompletionCounts",
    on_done: Callable[[bool, bool], None] | None = None,
    on_turn: Callable[[int], None] | None = None,
) -> ConversationResults:
    """Run every conversation of an interactive task to its end (accepted, or `max_turns`).
    `on_done(error, cached)` is called as each conversation ends; `on_turn(t)` as turn t starts."""
    assert plan.simulator is not None, "an interactive task plan has a simulator"
    task, simulator = plan.task, plan.simulator
    search = CatalogSearch(plan.dataset.catalog(task.domain), plan.dataset.kg(task.domain)) if plan.tools else None
    live = [
        _Live(n * plan.repeats + r, n, r, [dict(m) for m in messages], Conversation.from_dict(conversation.to_dict()))
        for n, (messages, conversation) in enumerate(zip(plan.messages, plan.conversations))
        for r in range(plan.repeats)
    ]
    for turn in range(1, task.max_turns + 1):
        active = [c for c in live if not c.done]
        if not active:
            break
        if on_turn is not None:
            on_turn(turn)
        answers = _assistant_turn(plan, service, counts, active, search)
        answered = []
        for c in active:
            if c.completion is not None and c.completion.error is None:
                answered.append(c)
            else:
                c.done = True
                if on_done is not None:
                    on_done(True, c.cached)
        records = simulator.respond([(plan.samples[c.index], c.conversation, answers[c.position]) for c in answered], turn)
        for c, record in zip(answered, records):
            record = replace(record, tool_calls=c.tool_calls)
            c.tool_calls = 0
            c.conversation.turns.append(record)
            c.messages.append({"role": "assistant", "content": record.assistant})
            if record.accepted or record.user is None or turn == task.max_turns:
                c.done = True
                if on_done is not None:
                    on_done(False, c.cached)
            else:
                c.messages.append({"role": "user", "content": record.user})
    results = ConversationResults()
    for c in live:
        assert c.request is not None and c.completion is not None
        results.requests.append(c.request)
        results.completions.append(c.completion)
        results.conversations.append(c.conversation)
    return results


def _assistant_turn(
    plan: "TaskPlan", service: "CompletionService", counts: "CompletionCounts", active: Sequence[_Live], search: CatalogSearch | None
) -> dict[int, str]:
    """One assistant turn for every active conversation (tool rounds included): each one's final
    completion is set on it; returns the answer text by conversation position."""
    pending = list(active)
    round_messages = {c.position: list(c.messages) for c in active}
    answers: dict[int, str] = {}
    for round_ in range(plan.task.max_tool_calls + 1):
        if not pending:
            break
        requests = [
            service.request(
                round_messages[c.position],
                plan.gen,
                sample=plan.samples[c.index],
                dataset=plan.dataset,
                k=plan.k,
                repeat=c.repeat,
                tools=plan.tools,
            )
            for c in pending
        ]
        completions = service.complete(requests, counts=counts)
        calls_next = []
        for c, request, completion in zip(pending, requests, completions):
            c.cached = c.cached and request.key in counts.cached_keys
            c.request, c.completion = request, completion
            if completion.error is None and completion.tool_calls and search is not None and round_ < plan.task.max_tool_calls:
                c.tool_calls += len(completion.tool_calls)
                answered = [search.answer(t) for t in completion.tool_calls]
                round_messages[c.position] += tool_messages(completion.text, completion.tool_calls, answered)
                calls_next.append(c)
            else:
                answers[c.position] = completion.text
        pending = calls_next
    return answers
