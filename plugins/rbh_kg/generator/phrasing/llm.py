"""The LLM phraser: any registered model backend phrases the drafts, through core's completion
service — the same path as `rbh run` (request keys, the persistent response cache so a re-run
sends only what is missing, de-duplication, retries). A completion with an error phrases nothing,
so the validators reject it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rbh.completion import CompletionCounts, CompletionService
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.phrasing.base import Phrased
from rbh_kg.generator.phrasing.describe import template_context, variants
from rbh_kg.generator.phrasing.template import TemplatePhraser, generator_environment

if TYPE_CHECKING:
    from pathlib import Path

    from rbh import Catalog, Registry

GENERATION = {"max_tokens": 160, "temperature": 0}


class LLMPhraser:
    """Phrases drafts with `--phraser BACKEND:MODEL`; the template phrasing is given as an example."""

    def __init__(
        self,
        spec: str,
        registry: "Registry | None" = None,
        seed: int = 0,
        model_args: str | None = None,
        cache_path: "Path | None" = None,
        use_cache: bool = True,
    ):
        self.service = CompletionService.open(spec, model_args=model_args, registry=registry, cache_path=cache_path, use_cache=use_cache)
        self.name = self.service.model.display_name
        self.seed = seed
        self.templates = TemplatePhraser(seed)
        env = generator_environment()
        self._system = env.get_template("generator/llm/system.jinja")
        self._user = env.get_template("generator/llm/user.jinja")
        self._titles: dict[str, str] = {}
        self.calls = 0  # requests actually sent to the model (cache misses)

    def bind(self, catalog: "Catalog") -> None:
        """The catalog the drafts refer to: titles as the template phrasing shows them, with the
        year wherever the catalog has another item of that title."""
        self.templates.bind(catalog)
        self._titles = self.templates.titles

    def messages(self, draft: Draft, attempt: int) -> tuple[dict[str, str], ...]:
        v = variants(draft, self.seed, 0)
        ctx: dict[str, Any] = {
            **template_context(draft, self._titles, v),
            "subtype": draft.subtype,
            "attempt": attempt,
            "example": self.templates.render(draft, v),
            "persona": "",
            "taste": list(draft.taste),
        }
        if draft.subtype == "demographics":
            ctx.update(template_context(draft, self._titles, v))
        return (
            {"role": "system", "content": self._system.render(ctx).strip()},
            {"role": "user", "content": self._user.render(ctx).strip()},
        )

    def phrase(self, drafts: Sequence[Draft], attempt: int) -> list[Phrased]:
        requests = [self.service.request(self.messages(d, attempt), GENERATION) for d in drafts]
        counts = CompletionCounts()
        completions = self.service.complete(requests, counts=counts)
        self.calls += counts.model_calls
        return [Phrased(clean(c.text) if c.error is None else "", self.templates.direct(d)) for d, c in zip(drafts, completions)]

    def close(self) -> None:
        self.service.close()


def clean(text: str) -> str:
    """The request itself: reasoning and surrounding quotes removed, whitespace collapsed."""
    import re

    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL)
    text = " ".join(text.split())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text.strip("“”").strip()
