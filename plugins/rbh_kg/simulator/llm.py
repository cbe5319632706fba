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
        templates: str = "simulator/llm"  # system.jinja + user.jinja: a folder on the template path, or a directory

    options: Options

    def __init__(self, context: SimulatorContext, **options: Any):
        super().__init__(context, **options)
        self._service: "CompletionService | None" = None
        from rbh_kg.generator.phrasing.template import generator_environment

        self._system, self._user = self._load_templates(generator_environment)
        self.model_calls = 0  # requests the simulator's model was actually sent

    def _load_templates(self, environment: Any) -> tuple[Any, Any]:
        """system.jinja and user.jinja from `options.templates`: a directory on disk (searched
        before rbh's template folders, so it may extend theirs) or a folder on the template path."""
        from pathlib import Path

        from jinja2 import TemplateNotFound

        from rbh import ConfigError, shipped_dir

        folder = Path(self.options.templates).expanduser()
        dirs = list(self._template_dirs() or [shipped_dir("templates")])
        if folder.is_dir():
            env, prefix = environment([folder, *dirs]), ""
        else:
            env, prefix = environment(dirs), f"{self.options.templates}/"
        try:
            return env.get_template(f"{prefix}system.jinja"), env.get_template(f"{prefix}user.jinja")
        except TemplateNotFound as exc:
            raise ConfigError(
                f"simulator llm: templates {self.options.templates!r} has no {exc.name} (a directory, or a folder on the template path)"
            ) from None

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
            texts = self._ask([(items[i], decisions[i].turn, drafts[i], attempt) for i in pending])
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

    def _ask(self, asks: Sequence[tuple[tuple[Sample, Conversation, str], Turn, str, int]]) -> list[str]:
        """One batch of replies. The templates see the domain words, the assistant's message,
        the draft, the attempt, the conditions (relation, entity, kind, and whether revealed by
        this reply at the latest) and the conversation so far (role, content)."""
        from rbh import domain_words
        from rbh.interactive import messages_of

        service = self.service
        requests = []
        for (sample, conversation, assistant), turn, draft, attempt in asks:
            revealed = conversation.revealed() | {(r["relation"], r["entity"]) for r in turn.revealed}
            conditions = [{**c.to_dict(), "revealed": (c.relation, c.entity) in revealed} for c in conversation.plan]
            context = {
                **domain_words(sample.domain),
                "assistant": assistant,
                "draft": draft,
                "attempt": attempt,
                "conditions": conditions,
                "conversation": [*messages_of([], conversation), {"role": "assistant", "content": assistant}],
            }
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
