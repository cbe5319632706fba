"""Rendering task prompts with Jinja in a sandbox, with `StrictUndefined` (docs/design.md §6)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.errors import ConfigError

if TYPE_CHECKING:
    import jinja2

    from rbh.data.catalog import Catalog
    from rbh.data.sample import Sample
    from rbh.models.base import Message
    from rbh.tasks.config import TaskConfig


def domain_words(domain: str) -> dict[str, str]:
    """Words the templates use for a domain (`item`, `items`, `consumed`, `consume`: "movie",
    "movies", "watched", "watch"), from its registered profile (docs/generator.md, "Adding a
    domain"); generic ones for a domain no plugin describes."""
    from rbh.domains import domain_profile

    return domain_profile(domain).words()


@lru_cache(maxsize=32)
def _environment(search_path: tuple[str, ...]) -> "jinja2.Environment":
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(list(search_path)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_SAMPLE_FIELDS = frozenset(
    ("id", "domain", "subtype", "query", "ground_truth", "query_direct", "conditions", "bridges", "misinformation", "user_id",
     "history", "group", "source", "official_id", "ground_truth_titles", "pair_id")
)  # fmt: skip
_PLAIN_FIELDS = frozenset(("id", "domain", "subtype", "query", "query_direct", "user_id", "source", "official_id", "pair_id"))


class PromptRenderer:
    """Renders the chat messages of one task.

    Each template is read once for the variables it uses: a sample's variables are built for
    those alone, and a template that uses only what is the same for the whole task (the domain
    words, `k`, `task`, `tools`, the task's prompt vars) is rendered once and reused — about half
    of the prompt rendering of a run, as the system prompt is usually such a template. A template
    that includes or imports another gets every variable, as before."""

    def __init__(self, task: "TaskConfig", template_paths: Sequence[Path]):
        self.task = task
        paths = [str(task.source_path.parent)] if task.source_path else []
        paths.extend(str(p) for p in template_paths)
        self.env = _environment(tuple(paths))
        self.system = self._load(task.prompt.system) if task.prompt.system else None
        self.user = self._load(task.prompt.user)
        constant = {"item", "items", "consumed", "k", "task", "tools", *task.prompt.vars}
        self._uses = {role: self._referenced(t) for role, t in (("system", self.system), ("user", self.user)) if t is not None}
        self._once = {role: uses is not None and uses <= constant for role, uses in self._uses.items()}
        self._words: dict[str, dict[str, str]] = {}  # domain -> its words, looked up once
        uses = list(self._uses.values())
        self.needs: frozenset[str] | None = None if any(u is None for u in uses) else frozenset().union(*(u for u in uses if u is not None))
        self._rendered: dict[tuple[str | None, str, int | None], str] = {}

    def _load(self, name: str) -> "jinja2.Template":
        import jinja2

        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound:
            raise ConfigError(f"task {self.task.task}: template not found: {name}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"task {self.task.task}: template {name}:{exc.lineno}: {exc.message}") from None

    def _referenced(self, template: "jinja2.Template") -> frozenset[str] | None:
        """The variables a template reads; None when it includes, imports or extends another."""
        from jinja2 import meta

        assert self.env.loader is not None
        source = self.env.loader.get_source(self.env, template.name or "")[0]
        tree = self.env.parse(source)
        if any(True for _ in meta.find_referenced_templates(tree)):
            return None
        return frozenset(meta.find_undeclared_variables(tree))

    def variables(self, sample: "Sample", catalog: "Catalog", k: int | None, history: bool) -> dict[str, Any]:
        """What a template sees: the sample's fields, domain words, k and history titles (only
        those the templates read, when that is known)."""
        needs = self.needs
        if needs is None or needs & (_SAMPLE_FIELDS - _PLAIN_FIELDS):
            fields = sample.to_dict()
        else:
            fields = {name: getattr(sample, name) for name in needs & _PLAIN_FIELDS}
        titles: list[str] = []
        if history and self.task.history_size and (needs is None or "history_titles" in needs):
            titles = [catalog.display_of(i) for i in sample.history[-self.task.history_size :]]  # 'Title (YYYY)', as the official prompt
        candidates: list[str] = []
        if sample.candidates and (needs is None or "candidates" in needs):
            candidates = [catalog.display_of(i) for i in sample.candidates]  # 'Title (YYYY)', as shown
        return {
            **fields,
            "candidates": candidates,
            **self._domain_words(sample.domain),
            **self.task.prompt.vars,
            "k": k,
            "history_titles": titles,
            "task": self.task.task,
            "tools": list(self.task.tools),
        }

    def _domain_words(self, domain: str) -> dict[str, str]:
        if domain not in self._words:
            self._words[domain] = domain_words(domain)
        return self._words[domain]

    def render(self, sample: "Sample", catalog: "Catalog", k: int | None, history: bool) -> tuple["Message", ...]:
        """The chat messages for one sample."""
        variables: dict[str, Any] | None = None
        messages: list[dict[str, str]] = []
        for role, template in (("system", self.system), ("user", self.user)):
            if template is None:
                continue
            key = (role, sample.domain, k)
            text = self._rendered.get(key) if self._once[role] else None
            if text is None:
                if variables is None:
                    variables = self.variables(sample, catalog, k, history)
                text = self._render(template, variables)
                if self._once[role]:
                    self._rendered[key] = text
            messages.append({"role": role, "content": text})
        return tuple(messages)

    def _render(self, template: "jinja2.Template", variables: dict[str, Any]) -> str:
        import jinja2

        try:
            return template.render(variables).strip()
        except jinja2.UndefinedError as exc:
            raise ConfigError(f"task {self.task.task}: template {template.name}: undefined variable {_undefined_name(exc)}") from None
        except jinja2.exceptions.SecurityError as exc:
            raise ConfigError(f"task {self.task.task}: template {template.name}: unsafe operation: {exc}") from None


def _undefined_name(exc: Exception) -> str:
    match = re.search(r"'([^']+)' is undefined", str(exc))
    return repr(match.group(1)) if match else str(exc)
