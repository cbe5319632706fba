"""Rendering task prompts with Jinja in a sandbox, with `StrictUndefined` (DESIGN §6)."""

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

DOMAIN_WORDS: dict[str, dict[str, str]] = {
    "movie": {"item": "movie", "items": "movies", "consumed": "watched"},
    "book": {"item": "book", "items": "books", "consumed": "read"},
}


def domain_words(domain: str) -> dict[str, str]:
    """Words the templates use for a domain ("movie"/"movies"/"watched"); generic otherwise."""
    return DOMAIN_WORDS.get(domain, {"item": domain, "items": f"{domain}s", "consumed": "consumed"})


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


class PromptRenderer:
    """Renders the chat messages of one task."""

    def __init__(self, task: "TaskConfig", template_paths: Sequence[Path]):
        self.task = task
        paths = [str(task.source_path.parent)] if task.source_path else []
        paths.extend(str(p) for p in template_paths)
        self.env = _environment(tuple(paths))
        self.system = self._load(task.prompt.system) if task.prompt.system else None
        self.user = self._load(task.prompt.user)

    def _load(self, name: str) -> "jinja2.Template":
        import jinja2

        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound:
            raise ConfigError(f"task {self.task.task}: template not found: {name}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"task {self.task.task}: template {name}:{exc.lineno}: {exc.message}") from None

    def variables(self, sample: "Sample", catalog: "Catalog", k: int | None, history: bool) -> dict[str, Any]:
        """What a template sees: the sample's fields, domain words, k and history titles."""
        titles: list[str] = []
        if history and self.task.history_size:
            titles = [
                catalog[i].display if i in catalog else i for i in sample.history[-self.task.history_size :]
            ]  # 'Title (YYYY)', as the official prompt
        return {
            **sample.to_dict(),
            **domain_words(sample.domain),
            **self.task.prompt.vars,
            "k": k,
            "history_titles": titles,
            "task": self.task.task,
            "tools": list(self.task.tools),
        }

    def render(self, sample: "Sample", catalog: "Catalog", k: int | None, history: bool) -> tuple["Message", ...]:
        """The chat messages for one sample."""
        import jinja2

        variables = self.variables(sample, catalog, k, history)
        messages: list[dict[str, str]] = []
        for role, template in (("system", self.system), ("user", self.user)):
            if template is None:
                continue
            try:
                text = template.render(variables).strip()
            except jinja2.UndefinedError as exc:
                raise ConfigError(f"task {self.task.task}: template {template.name}: undefined variable {_undefined_name(exc)}") from None
            except jinja2.exceptions.SecurityError as exc:
                raise ConfigError(f"task {self.task.task}: template {template.name}: unsafe operation: {exc}") from None
            messages.append({"role": role, "content": text})
        return tuple(messages)


def _undefined_name(exc: Exception) -> str:
    match = re.search(r"'([^']+)' is undefined", str(exc))
    return repr(match.group(1)) if match else str(exc)
