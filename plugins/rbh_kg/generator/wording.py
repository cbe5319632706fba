"""Wording that matches the answers and reads as a person writes (docs/generator.md): a book query
says "novels" only when every ground-truth item is a novel, states a book's country as the
country of first publication (never as the author's nationality), names no person or series in a
profile query, and none of the template slips below appear. Each is a phrasing rule: a query that
breaks one is re-asked (another template variant, or the LLM again), then dropped."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rbh import KG

# Book genres that are not novels by form (collections, verse, plays, comics, picture books) or
# are not fiction at all. "Philosophy" is a theme of many novels, so it counts only without a
# fiction genre.
NOT_NOVEL_FORMS = frozenset({"Short Stories", "Poetry", "Drama", "Graphic Novel", "Picture Book"})
NONFICTION = frozenset({"Nonfiction", "Memoir", "Biography", "History", "Science", "Self-Help"})
FICTION = frozenset(
    {
        "Literary Fiction", "Fantasy", "Science Fiction", "Mystery", "Thriller", "Horror", "Romance",
        "Historical Fiction", "Adventure", "Dystopian", "Satire",
    }
)  # fmt: skip


def is_novel(kg: KG, item_id: str) -> bool:
    """A book the KG tags as long-form fiction (no collection, verse, play, comic or nonfiction)."""
    genres = set(kg.entities(item_id, "genre"))
    if genres & (NOT_NOVEL_FORMS | NONFICTION):
        return False
    return "Philosophy" not in genres or bool(genres & FICTION)


def all_novels(kg: KG, items: Iterable[str]) -> bool:
    items = list(items)
    return bool(items) and all(is_novel(kg, i) for i in items)


# Slips no query may contain: ages written from bracket codes, a "both" over three items, a
# sentence continuing a setup that is not there, a book's country as the author's nationality.
SLIPS: dict[str, str] = {
    "age_bracket_as_age": r"\b\d+-\d+-year-old\b|\b\d+-plus-year-old\b|\bteenage person\b",
    "both_of_three": r"\bboth [\w'-]+(?: [\w'-]+)?, [\w'-]+",
    "dangling_continuation": r"(?:^|[.!?] )Now I'd like\b",
    "country_as_nationality": r"\bauthor from\b|\bwriter from\b",
}
# Openers and asks that contradict each other: a solo setting with a group's taste, a gift for
# someone else with what the asker wants for themselves.
SOLO_SETTING = r"long (?:train )?commute|long flight|free evening|on the beach|raining all weekend|vacation soon"
GROUP_ASK = r"everyone in the group|people like us|all of us"
GIFT_SETTING = r"birthday|surprise (?:him|her)|a friend of mine is visiting"
SELF_ASK = r"what I really want right now|that's what I enjoy most|I've been craving"
CLASHES = ((SOLO_SETTING, GROUP_ASK), (GIFT_SETTING, SELF_ASK))
_SLIPS = {name: re.compile(p) for name, p in SLIPS.items()}
_CLASHES = [(re.compile(a, re.IGNORECASE), re.compile(b, re.IGNORECASE)) for a, b in CLASHES]
_NOVEL = re.compile(r"\bnovels?\b", re.IGNORECASE)
_GRAPHIC = re.compile(r"\bgraphic novels?\b", re.IGNORECASE)


def slips(query: str) -> list[str]:
    """The slip rules `query` breaks."""
    broken = [name for name, pattern in _SLIPS.items() if pattern.search(query)]
    if any(a.search(query) and b.search(query) for a, b in _CLASHES):
        broken.append("opener_clash")
    return broken


def says_novels(query: str) -> bool:
    """The query asks for novels ("graphic novels" is a genre, not a claim about form)."""
    return bool(_NOVEL.search(_GRAPHIC.sub("", query)))
