"""The phraser interface and the `--phraser` value parser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rbh import Catalog, Registry
    from rbh_kg.generator.drafts import Draft


@dataclass(frozen=True)
class Phrased:
    """A phrased query; `query_direct` is the plain template form (condition subtypes)."""

    query: str
    query_direct: str | None = None


class Phraser(Protocol):
    """Phrases a batch of drafts; `attempt` > 0 asks again for drafts whose last phrasing was rejected."""

    name: str

    def bind(self, catalog: "Catalog") -> None: ...

    def phrase(self, drafts: Sequence["Draft"], attempt: int) -> list[Phrased]: ...


def make_phraser(spec: str, *, seed: int = 0, registry: "Registry | None" = None, model_args: str | None = None) -> Phraser:
    """`template` or `BACKEND:MODEL` (any registered model backend, `model_args` as `k=v,...`)."""
    from rbh_kg.generator.phrasing.template import TemplatePhraser

    if spec == "template":
        return TemplatePhraser(seed=seed)
    from rbh_kg.generator.phrasing.llm import LLMPhraser

    return LLMPhraser(spec, registry, seed=seed, model_args=model_args)
