"""`clarifier`: a baseline for interactive tasks that shows what asking is worth. It asks about
one aspect per turn (genre, then the director or author, then the cast or series: `ask=...`),
then recommends the most popular items that satisfy everything the user has said so far — read
from the user's messages by matching the dataset's KG entity names, so it knows the KG but hears
only what the user says. An entity named with several roles (a director who also produces) may
satisfy any of them; when the constraints heard exclude every item, the oldest are dropped until
some remain (a false premise is forgotten once the user's feedback contradicts it). Titles the
user named are never recommended. On a single-turn task it recommends at once."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rbh import ChatRequest, Completion
from rbh_baselines.base import how_many, titles_answer
from rbh_baselines.popularity import PopularityModel

if TYPE_CHECKING:
    from rbh import KG, Catalog

QUESTIONS: dict[str, str] = {
    "genre": "What genre are you in the mood for?",
    "directed_by": "Do you have a director in mind?",
    "starring": "Is there an actor you would like to see?",
    "written_by": "Is there an author you like?",
    "series": "Should it be part of a series?",
    "release_year": "Any particular year you prefer?",
    "publication_year": "Any particular year you prefer?",
    "language": "Which language would you like?",
    "country": "From which country?",
}
DEFAULT_ASK = {"movie": ("genre", "directed_by", "starring"), "book": ("genre", "written_by", "series")}
_WORD = re.compile(r"[^\w]+")


def normalize(text: str) -> str:
    return " ".join(_WORD.sub(" ", text.casefold()).split())


class EntityIndex:
    """Normalized KG entity names → their relations, and title keys → item ids, of one domain."""

    def __init__(self, catalog: "Catalog", kg: "KG"):
        self.relations: dict[str, set[tuple[str, str]]] = {}
        for item in catalog.items:
            for relation, entity in kg.facts(item):
                key = normalize(entity)
                if key:
                    self.relations.setdefault(key, set()).add((relation, entity))
        self.longest = max((len(k.split()) for k in self.relations), default=1)
        self.titles: dict[str, str] = {}
        for item_id, entry in catalog.items.items():
            for name in (entry.title, *entry.aliases):
                self.titles.setdefault(normalize(name), item_id)

    def mentions(self, text: str) -> list[set[tuple[str, str]]]:
        """The entities a message names, longest match first, in order: each as the set of
        (relation, entity) facts its name may stand for."""
        words = normalize(text).split()
        out, n = [], 0
        while n < len(words):
            for size in range(min(self.longest, len(words) - n), 0, -1):
                facts = self.relations.get(" ".join(words[n : n + size]))
                if facts:
                    out.append(facts)
                    n += size
                    break
            else:
                n += 1
        return out

    def named_items(self, text: str) -> set[str]:
        """Catalog items whose title the message names (titles of two words or more)."""
        key = f" {normalize(text)} "
        return {i for t, i in self.titles.items() if len(t.split()) >= 2 and f" {t} " in key}


class ClarifierModel(PopularityModel):
    name = "clarifier"
    description = "interactive baseline: asks about one aspect per turn (ask=genre,...), then recommends the most popular items matching what it heard"

    def __init__(self, model_name: str | None = None, n: int = 10, ask: str | None = None, **kwargs: Any):
        super().__init__(model_name, n=n, ask=ask, **kwargs)
        self.ask = tuple(a for a in (ask or "").split(",") if a) or None
        self._indexes: dict[tuple[int, str], EntityIndex] = {}

    def index(self, request: ChatRequest, domain: str) -> EntityIndex:
        assert request.dataset is not None
        key = (id(request.dataset), domain)
        if key not in self._indexes:
            self._indexes[key] = EntityIndex(request.dataset.catalog(domain), request.dataset.kg(domain))
        return self._indexes[key]

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None or request.dataset is None:
            return Completion(error="clarifier needs the sample and dataset")
        asked = sum(1 for m in request.messages if m.get("role") == "assistant")
        aspects = self.ask if self.ask is not None else DEFAULT_ASK.get(sample.domain, ("genre",))
        interactive = any(m.get("role") == "assistant" for m in request.messages) or _invites_questions(request.messages)
        if interactive and asked < len(aspects):
            return Completion(text=QUESTIONS.get(aspects[asked], f"Anything about the {aspects[asked].replace('_', ' ')}?"))
        said = [str(m.get("content") or "") for m in request.messages if m.get("role") == "user"]
        index = self.index(request, sample.domain)
        heard = [facts for text in said for facts in index.mentions(text)]
        named = set().union(*(index.named_items(t) for t in said)) if said else set()
        kg, catalog = request.dataset.kg(sample.domain), request.dataset.catalog(sample.domain)
        items = matching(kg, set(catalog.items), heard)
        ranking = self.ranking(request, sample.domain)
        top = [i for i in ranking if i in items and i not in named][: how_many(request, self.n)]
        return titles_answer([catalog[i].display for i in top])

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {"sample": request.sample.id if request.sample else None, "n": self.n, "k": request.k, "ask": self.ask}


def matching(kg: "KG", items: set[str], heard: Sequence[set[tuple[str, str]]]) -> set[str]:
    """Items holding, for each entity heard, one of the facts its name may stand for; the oldest
    entities are dropped while nothing matches."""
    for start in range(len(heard) + 1):
        found = set(items)
        for facts in heard[start:]:
            found &= set().union(*(kg.items_with(r, e) for r, e in facts))
            if not found:
                break
        if found:
            return found
    return items


def _invites_questions(messages: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the system prompt lets the assistant ask (interactive tasks)."""
    return any(m.get("role") == "system" and "question" in str(m.get("content") or "").lower() for m in messages)
