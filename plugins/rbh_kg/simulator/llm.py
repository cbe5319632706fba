"""The `llm` user simulator (docs/interactive.md): any rbh model plays the user, behind a leakage
guard.

What the user does — which conditions a turn reveals, whether a recommendation is accepted — is
decided by code exactly as the `kg` simulator decides it, so success stays verifiable; the model
only words the reply, from the `kg` simulator's draft (`templates/simulator/llm/`). Every reply
is checked before the assistant sees it: it must not name a ground-truth title (unless the
assistant recommended it), nor the entity of a condition not revealed yet. A reply that leaks is
counted (`Turn.leaks`) and asked again, up to `max_attempts` times; one that still leaks is
replaced by the draft and its conversation flagged. All requests go through the completion
service, so they are cached and a resumed run sends none twice. The opening message is the
`kg` simulator's (planning and opening need no model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from rbh import Conversation, Sample, SimulatorContext, Turn
from rbh.data import title_key
from rbh_kg.simulator.kg import KGSimulator

if TYPE_CHECKING:
    from rbh.completion import CompletionService

GENERATION = {"max_tokens": 160, "temperature": 0}


class LLMSimulator(KGSimulator):
    name = "llm"
    description = "a model words the user's replies (model=BACKEND:MODEL), decided as by kg; a leakage guard re-asks replies that leak"

    class Options(KGSimulator.Options):
        model: str  # BACKEND:MODEL that plays the user
        model_args: str | None = None  # its --model-args, k=v,...
        max_attempts: int = Field(default=3, ge=1, le=10)  # replies asked for per turn before the draft is used

    options: Options

    def __init__(self, context: SimulatorContext, **options: Any):
        super().__init__(context, **options)
        self._service: "CompletionService | None" = None
        from rbh_kg.generator.phrasing.template import generator_environment

        env = generator_environment(self._template_dirs())
        self._system = env.get_template("simulator/llm/system.jinja")
        self._user = env.get_template("simulator/llm/user.jinja")
        self.model_calls = 0  # requests the simulator's model was actually sent

    @property
    def service(self) -> "CompletionService":
        if self._service is None:
            from rbh.completion import CompletionService

            ctx = self.context
            self._service = CompletionService.open(
                self.options.model,
                model_args=self.options.model_args,
                registry=ctx.registry,
                cache_path=ctx.cache_path,
                use_cache=ctx.use_cache,
            )
        return self._service

    def start(self, samples: Sequence[Sample]) -> list[Conversation]:
        conversations = super().start(samples)
        for c in conversations:
            c.guarded = True
        return conversations

    def respond(self, items: Sequence[tuple[Sample, Conversation, str]], turn: int) -> list[Turn]:
        """Decide as `kg`, then have the model word each reply; the last turn's replies reach
        no assistant, so they are the drafts (no request)."""
        decisions = [self.decide(sample, conversation, text) for sample, conversation, text in items]
        drafts = [self.phrase(sample, d, turn) for (sample, _, _), d in zip(items, decisions)]
        replies: list[str | None] = [None] * len(items)
        pending = list(range(len(items))) if turn < self.context.max_turns else []
        for attempt in range(self.options.max_attempts):
            if not pending:
                break
            texts = self._ask([(items[i][2], drafts[i], attempt, items[i][0].domain) for i in pending])
            retry = []
            for i, text in zip(pending, texts):
                sample, conversation, _ = items[i]
                if text and not self.leaks(sample, conversation, decisions[i].turn, text):
                    replies[i] = text
                else:
                    decisions[i].turn.leaks += 1
                    retry.append(i)
            pending = retry
        out = []
        for i, d in enumerate(decisions):
            if replies[i] is None and d.turn.leaks:
                items[i][1].flagged = True  # every reply leaked: the draft goes out instead
            d.turn.user = replies[i] if replies[i] is not None else drafts[i]
            out.append(d.turn)
        return out

    def _ask(self, asks: Sequence[tuple[str, str, int, str]]) -> list[str]:
        """One batch of replies: (assistant message, draft, attempt, domain) each."""
        from rbh import domain_words

        service = self.service
        requests = []
        for assistant, draft, attempt, domain in asks:
            words = domain_words(domain)
            context = {**words, "assistant": assistant, "draft": draft, "attempt": attempt}
            messages = (
                {"role": "system", "content": self._system.render(context).strip()},
                {"role": "user", "content": self._user.render(context).strip()},
            )
            requests.append(service.request(messages, GENERATION))
        from rbh.completion import CompletionCounts

        counts = CompletionCounts()
        completions = service.complete(requests, counts=counts)
        self.model_calls += counts.model_calls
        return [_clean(c.text) if c.error is None else "" for c in completions]

    def leaks(self, sample: Sample, conversation: Conversation, turn: Turn, reply: str) -> bool:
        """Whether a reply names a ground-truth title the assistant did not recommend, or the
        entity of a condition that is not revealed yet (this turn's reveals included)."""
        key = f" {title_key(reply)} "
        catalog = self.context.catalog
        recommended = {i for t in (*conversation.turns, turn) for i in t.recommended if i is not None}
        for item in sample.ground_truth:
            if item in recommended or item not in catalog:
                continue
            names = (catalog[item].title, *catalog[item].aliases)
            if any((k := title_key(n)) and f" {k} " in key for n in names):
                return True
        revealed = conversation.revealed() | {(r["relation"], r["entity"]) for r in turn.revealed}
        for c in conversation.plan:
            if (c.relation, c.entity) in revealed or c.relation in ("release_year", "publication_year"):
                continue
            entity = title_key(c.entity)
            if entity and f" {entity} " in key:
                return True
        return False

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None


def _clean(text: str) -> str:
    """The reply itself: surrounding quotes and extra whitespace removed."""
    text = " ".join((text or "").split())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text
