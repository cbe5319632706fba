"""The LLM phraser: any registered model backend phrases the drafts. Requests are batched
through the same machinery as `rbh run` — request keys from `rbh.runner.cache.request_key`, the
persistent `ResponseCache` (a re-run sends only what is missing), `Model.generate` over the
whole batch. A completion with an error phrases nothing, so the validators reject it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rbh.models.base import ChatRequest, Completion
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.phrasing.base import Phrased
from rbh_kg.generator.phrasing.describe import template_context, variants
from rbh_kg.generator.phrasing.template import TemplatePhraser, generator_environment

if TYPE_CHECKING:
    from pathlib import Path

    from rbh.data.catalog import Catalog
    from rbh.models.spec import ModelSpec
    from rbh.registry import Registry

GENERATION = {"max_tokens": 160, "temperature": 0}


class LLMPhraser:
    """Phrases drafts with `--phraser BACKEND:MODEL`; the template phrasing is given as an example."""

    def __init__(self, spec: "ModelSpec", registry: "Registry", seed: int = 0, cache_path: "Path | None" = None, use_cache: bool = True):
        from rbh.runner.run import instantiate_model, model_identity

        self.model, _ = instantiate_model(spec, registry)
        self.name = self.model.display_name
        self.identity = model_identity(self.model)
        self.seed = seed
        self.templates = TemplatePhraser(seed)
        env = generator_environment()
        self._system = env.get_template("generator/llm/system.jinja")
        self._user = env.get_template("generator/llm/user.jinja")
        self.cache = None
        if use_cache:
            from rbh.paths import cache_dir
            from rbh.runner.cache import ResponseCache

            self.cache = ResponseCache(cache_path or cache_dir() / "responses.sqlite")
        self._titles: dict[str, str] = {}
        self.calls = 0  # requests actually sent to the model (cache misses)

    def bind(self, catalog: "Catalog") -> None:
        self.templates.bind(catalog)
        self._titles = {i: item.title for i, item in catalog.items.items()}

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
        from rbh.runner.cache import request_key

        requests = []
        for d in drafts:
            messages = self.messages(d, attempt)
            key = request_key({**self.identity, "gen": GENERATION, "messages": messages, "extra": {}})
            requests.append(ChatRequest(key=key, messages=messages, gen=GENERATION))
        completions = self._complete(requests)
        return [Phrased(clean(c.text) if c.error is None else "", self.templates.direct(d)) for d, c in zip(drafts, completions)]

    def _complete(self, requests: list[ChatRequest]) -> list[Completion]:
        """Cached completions first; each distinct missing request is sent once and cached on arrival."""
        cached = self.cache.get_many(r.key for r in requests) if self.cache is not None else {}
        first: dict[str, int] = {}
        for i, r in enumerate(requests):
            if r.key not in cached:
                first.setdefault(r.key, i)
        todo = sorted(first.values())
        got: dict[str, Completion] = dict(cached)
        if todo:
            for j, completion in self.model.generate([requests[i] for i in todo]):
                request = requests[todo[j]]
                got[request.key] = completion
                if self.cache is not None and completion.error is None:
                    self.cache.put(request.key, self.model.name, self.model.model_name, completion)
            self.calls += len(todo)
        return [got.get(r.key, Completion(error="no completion")) for r in requests]

    def close(self) -> None:
        self.model.close()
        if self.cache is not None:
            self.cache.close()


def clean(text: str) -> str:
    """The request itself: reasoning and surrounding quotes removed, whitespace collapsed."""
    import re

    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL)
    text = " ".join(text.split())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text.strip("“”").strip()
