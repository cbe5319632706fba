"""What an assistant's message asks about: its questions (sentences ending with "?") and the
aspects (KG relations) each one is about, by keywords; and how the user names an aspect."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Keywords (lowercase, matched at a word start) that tie a question to a relation.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "genre": ("genre", "kind of", "type of", "sort of", "mood", "style"),
    "directed_by": ("director", "directed", "filmmaker"),
    "starring": ("actor", "actress", "star", "cast", "lead"),
    "written_by": ("writer", "written", "wrote", "screenplay", "author", "novelist"),
    "music_by": ("composer", "music", "score", "soundtrack"),
    "cinematography": ("cinematograph", "photograph", "shot by", "visual"),
    "produced_by": ("producer", "produced"),
    "release_year": ("year", "decade", "era", "old", "recent", "new", "released", "when", "period"),
    "publication_year": ("year", "decade", "era", "old", "recent", "new", "published", "when", "period"),
    "country": ("country", "countries", "where", "nationality", "american", "british", "foreign"),
    "language": ("language", "subtitle", "english", "dubbed"),
    "series": ("series", "franchise", "sequel", "saga", "trilogy"),
    "publisher": ("publisher", "publishing", "imprint", "press"),
}
NOUNS: dict[str, str] = {
    "genre": "genre",
    "directed_by": "director",
    "starring": "cast",
    "written_by": "writer",
    "music_by": "music",
    "cinematography": "cinematography",
    "produced_by": "producer",
    "release_year": "year",
    "publication_year": "year",
    "country": "country",
    "language": "language",
    "series": "series",
    "publisher": "publisher",
}
_SENTENCE = re.compile(r"[^.!?\n]*\?")
_PATTERNS = {r: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in words) + r")", re.IGNORECASE) for r, words in KEYWORDS.items()}


def questions(text: str) -> list[str]:
    """The questions of a message: its sentences that end with a question mark."""
    return [q.strip() for q in _SENTENCE.findall(text or "") if q.strip(" ?")]


def without_questions(text: str) -> str:
    """The message with its questions removed (what may hold recommendations)."""
    return _SENTENCE.sub(" ", text or "")


def aspects_of(question: str, relations: Iterable[str]) -> list[str]:
    """The relations (among `relations`) a question is about."""
    return [r for r in relations if r in _PATTERNS and _PATTERNS[r].search(question)]


def aspect_noun(relation: str, domain: str) -> str:
    """How the user names an aspect: the domain profile's word ("author" for a book's writer),
    else "director", "cast", "year"…"""
    from rbh import domain_profile

    return domain_profile(domain).aspect_nouns.get(relation) or NOUNS.get(relation, relation.replace("_", " "))
