"""The offline phraser: Jinja templates in `templates/generator/`, seeded variant choice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rbh import Catalog

from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.phrasing.base import Phrased
from rbh_kg.generator.phrasing.describe import N_VARIANTS, display_titles, template_context, variants


def generator_environment(template_dirs: Sequence[Path] | None = None):  # noqa: ANN201
    """A sandboxed Jinja environment over rbh's template folders (StrictUndefined)."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from rbh import shipped_dir

    dirs = list(template_dirs) if template_dirs else [shipped_dir("templates")]
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.globals["profile"] = phrasing_of
    return env


def phrasing_of(domain: str) -> dict[str, Any]:
    """A domain's phrasing tables and words, as `profile(domain)` in the templates (from its
    registered profile; computed once per registry and domain)."""
    from rbh import domain_profile, get_registry

    key = (id(get_registry()), domain)
    if key not in _PHRASING:
        _PHRASING[key] = domain_profile(domain).phrasing()
    return _PHRASING[key]


_PHRASING: dict[tuple[int, str], dict[str, Any]] = {}


class TemplatePhraser:
    """Renders `generator/<subtype>.jinja`; a re-ask (attempt > 0) draws other variants."""

    name = "template"

    def __init__(self, seed: int = 0, template_dirs: Sequence[Path] | None = None):
        self.seed = seed
        self.env = generator_environment(template_dirs)
        self._templates: dict[str, Any] = {}
        self._titles: dict[str, str] = {}

    def bind(self, catalog: "Catalog") -> None:
        """The catalog the drafts refer to (bridge titles)."""
        self._titles = display_titles(
            {i: item.title for i, item in catalog.items.items()}, {i: item.year for i, item in catalog.items.items()}
        )

    @property
    def titles(self) -> dict[str, str]:
        """Item id -> the title as queries show it (with its year when the title is ambiguous)."""
        return self._titles

    def render(self, draft: Draft, v: list[int], plain: bool = False) -> str:
        if draft.subtype not in self._templates:
            self._templates[draft.subtype] = self.env.get_template(f"generator/{draft.subtype}.jinja")
        text = self._templates[draft.subtype].render({**template_context(draft, self._titles, v), "plain": plain})
        return tidy(text)

    def direct(self, draft: Draft) -> str | None:
        """The plain phrasing of the true conditions (every variant 0)."""
        if not draft.conditions:
            return None
        plain = Draft(draft.domain, "explicit", draft.key, draft.ground_truth, conditions=draft.conditions)
        return self.render(plain, [0] * N_VARIANTS, plain=True)

    def phrase(self, drafts: Sequence[Draft], attempt: int) -> list[Phrased]:
        return [Phrased(self.render(d, variants(d, self.seed, attempt)), self.direct(d)) for d in drafts]


def tidy(text: str) -> str:
    """One space between words, none before punctuation, a capital first letter."""
    import re

    text = re.sub(r"\s+([,.;:?!])", r"\1", " ".join(text.split()))
    return text[:1].upper() + text[1:]
