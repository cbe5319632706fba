"""Title normalization: the key that exact title resolution compares (docs/design.md §8.2)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Articles that catalogs such as MovieLens move to the end ("Godfather, The").
_TRAILING_ARTICLES = (
    "the",
    "a",
    "an",
    "la",
    "le",
    "les",
    "l'",
    "il",
    "lo",
    "gli",
    "el",
    "los",
    "las",
    "der",
    "die",
    "das",
    "den",
    "det",
    "het",
    "un",
    "une",
)
_TRAILING_ARTICLE_RE = re.compile(
    r"^(?P<body>.+?),\s*(?P<article>" + "|".join(re.escape(a) for a in _TRAILING_ARTICLES) + r")(?P<rest>\s*(?:[:(\-].*)?)$",
    re.IGNORECASE,
)
_LEADING_ENGLISH_ARTICLE_RE = re.compile(r"^(the|a|an)\s+")
_YEAR_SUFFIX_RE = re.compile(r"\s*\((\d{4})\)\s*$")
_NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def move_trailing_article(title: str) -> str:
    """'Godfather: Part II, The' -> 'The Godfather: Part II'; other titles are returned as-is."""
    match = _TRAILING_ARTICLE_RE.match(title.strip())
    if not match:
        return title.strip()
    article = match.group("article")
    sep = "" if article.endswith("'") else " "
    return f"{article}{sep}{match.group('body')}{match.group('rest')}".strip()


def split_year(title: str) -> tuple[str, int | None]:
    """Split a trailing '(YYYY)' off a title: 'Heat (1995)' -> ('Heat', 1995)."""
    match = _YEAR_SUFFIX_RE.search(title)
    if not match:
        return title.strip(), None
    return title[: match.start()].strip(), int(match.group(1))


def strip_accents(text: str) -> str:
    """Remove combining marks after NFKD decomposition ('Amélie' -> 'Amelie')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def title_key(title: str) -> str:
    """The normalized key of a title: NFKC, casefold, accents and punctuation folded,
    articles moved and dropped, '&' read as 'and', U+FFFD (a character lost in transcoding) deleted."""
    text = unicodedata.normalize("NFKC", title).replace("\ufffd", "")  # U+FFFD: a lost character
    text = move_trailing_article(text)
    text = strip_accents(text).casefold()
    text = text.replace("&", " and ")
    text = text.replace("'", "").replace("\u2019", "")
    text = _NON_WORD_RE.sub(" ", text).strip()
    text = _LEADING_ENGLISH_ARTICLE_RE.sub("", text)
    return text


_PAREN_ALT_RE = re.compile(r"^(?P<main>[^()]+?)\s*\((?P<alt>[^()]+)\)\s*$")
_AKA_PREFIX_RE = re.compile(r"^(?:a\.?k\.?a\.?|also known as)\s+", re.IGNORECASE)


def title_variants(title: str) -> list[str]:
    """Other spellings a title may stand for: 'Das Boot (The Boat)' -> ['Das Boot', 'The Boat'];
    'Mad Max 2 (a.k.a. The Road Warrior)' -> ['Mad Max 2', 'The Road Warrior']."""
    match = _PAREN_ALT_RE.match(title.strip())
    if not match:
        return []
    alt = _AKA_PREFIX_RE.sub("", match.group("alt").strip())
    return [v for v in (match.group("main").strip(), alt) if v]
