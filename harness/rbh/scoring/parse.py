"""Turning a response into a ranked list of titles (docs/design.md §8.1).

Order of attempts: a JSON array (`output.format: json`, or a response that is one), a `[SEP]` list,
then numbered/bulleted lines. Around the list, models add prose ("Here are some movies:",
"I'm sorry, but X did not direct Y."); entries that read as prose are dropped, and a preamble
ending in a colon is cut off. Reasoning (`<think>…</think>`) never reaches the parser.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from rbh.data.normalize import split_year, title_key

SEP = "[SEP]"
MAX_TITLE_WORDS = 15
_THINK_RE = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_ORPHAN_THINK_END_RE = re.compile(r"^.*?</think>", re.DOTALL | re.IGNORECASE)
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–—]+|\(?\d{1,3}[.):]|#\d{1,3}[.:]?|\(?[a-zA-Z][.)])\s+")
_QUOTES = "\"'“”‘’`«»*_[]"
_SENTENCE_THEN_WORDS_RE = re.compile(r"[.!?]\s+\S+(?:\s+\S+){3,}")
# Periods that do not end a sentence: "Dr. Strangelove", "Mr. Smith Goes to Washington", "J. R. R."
_ABBREVIATION_RE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|St|Jr|Sr|vs|Vol|No|Mt|Ft|Lt|Col|Gen|Capt|Prof|[A-Z])\.", re.IGNORECASE)
_YEAR_THEN_NOTE_RE = re.compile(r"^(?P<title>.+?\(\d{4}\))\s*(?:[-–—:,]\s*|\s)\S.*$")
_PROSE_START_RE = re.compile(
    r"^(?:i'?m sorry|i am sorry|sorry\b|unfortunately|apologies|my apologies|i apologi[sz]e|here (?:are|is)\b|here's"
    r"|i (?:would |'d )?(?:recommend|suggest)|based on|however\b|please\b|note\b|let me|if you|i could(?:n't| not)"
    r"|i can(?:'t|not)|i'?m unable|i am unable|it (?:seems|appears|looks)|there (?:are|is) no|there (?:seems|might|may)"
    r"|these (?:are|movies|films|books)|enjoy\b|recommended (?:movies|books|films)|sure\b|certainly\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedTitle:
    """A recommended title and the year the response gave with it, if any."""

    title: str
    year: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "year": self.year}


def strip_reasoning(text: str) -> str:
    """Remove `<think>…</think>` blocks (and a reasoning prefix closed by a lone `</think>`)."""
    if "</think>" in text.lower() and "<think>" not in text.lower():
        text = _ORPHAN_THINK_END_RE.sub("", text, count=1)
    return _THINK_RE.sub("", text)


def is_prose(entry: str) -> bool:
    """Does an entry read as a sentence rather than a title?"""
    text = entry.strip()
    if not text:
        return True
    words = text.count(" ") + 1
    if text.endswith(":") or words > MAX_TITLE_WORDS:
        return True
    if words > 2 and _PROSE_START_RE.match(text.lstrip(_QUOTES + " ")):
        return True
    # several words after a sentence end
    return words > 4 and bool(_SENTENCE_THEN_WORDS_RE.search(_ABBREVIATION_RE.sub("", text)))


def split_entries(text: str, fmt: str = "sep") -> list[str]:
    """Split a response into raw entries: JSON arrays, `[SEP]` lists, or numbered/bulleted lines."""
    text = text.strip()
    if not text:
        return []
    if fmt == "json" or (text.startswith("[") and not text.startswith(SEP)):
        entries = _json_entries(text)
        if entries is not None:
            return entries
    if SEP in text:
        out: list[str] = []
        for part in text.split(SEP):
            out.extend(_entry_lines(part))
        return out
    return _entry_lines(text, single_line_is_title=True)


def _entry_lines(part: str, single_line_is_title: bool = False) -> list[str]:
    """The title lines of one chunk: bulleted lines win over unbulleted prose lines."""
    if "\n" not in part:
        return [cut_preamble(part)] if ":" in part else [part]
    lines = [ln for ln in part.splitlines() if ln.strip()]
    if len(lines) > 1:
        bulleted = [ln for ln in lines if _BULLET_RE.match(ln)]
        if len(bulleted) >= 2:
            lines = bulleted
    return [cut_preamble(ln) for ln in lines]


def cut_preamble(entry: str) -> str:
    """'Here are some films you might enjoy: Heat' -> 'Heat' (a colon after prose)."""
    for match in re.finditer(r":\s+", entry):
        head, tail = entry[: match.start()].strip(), entry[match.end() :]
        if tail.strip() and (_PROSE_START_RE.match(head) or len(head.split()) > 6):
            return tail
    return entry


def _json_entries(text: str) -> list[str] | None:
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    if not isinstance(data, list):
        return None
    out = []
    for entry in data:
        if isinstance(entry, dict):
            entry = entry.get("title") or entry.get("name") or ""
        out.append(str(entry))
    return out


@lru_cache(maxsize=100_000)
def clean_title(raw: str) -> ParsedTitle | None:
    """Strip bullets, quotes and whitespace; keep a trailing '(YYYY)' as the year hint; drop prose."""
    text = _BULLET_RE.sub("", raw.strip()).strip().strip(_QUOTES).strip()
    if text.endswith(('".', "'.", "”.")):
        text = text[:-1].strip(_QUOTES)
    note = _YEAR_THEN_NOTE_RE.match(text)
    if note:
        text = note.group("title")
    title, year = split_year(text)
    title = title.strip().strip(_QUOTES).strip()
    if is_prose(title):
        return None
    return ParsedTitle(title, year) if title else None


def parse_titles(text: str, fmt: str = "sep") -> list[ParsedTitle]:
    """Every title of the response in order, duplicates included (what `parse_response` dedupes)."""
    return [p for raw in split_entries(strip_reasoning(text or ""), fmt) if (p := clean_title(raw)) is not None]


def dedupe_titles(titles: list[ParsedTitle], k: int | None = None) -> list[ParsedTitle]:
    """Drop repeated titles (normalized key; first occurrence wins; one title with two different
    years is kept twice), then cut to k."""
    out: list[ParsedTitle] = []
    seen: dict[str, int | None] = {}
    for parsed in titles:
        key = title_key(parsed.title) or parsed.title.casefold()
        if key in seen and (seen[key] is None or parsed.year is None or seen[key] == parsed.year):
            continue
        seen[key] = parsed.year
        out.append(parsed)
        if k is not None and len(out) >= k:
            break
    return out


def parse_response(text: str, fmt: str = "sep", k: int | None = None) -> list[ParsedTitle]:
    """The ranked, deduplicated list of recommended titles (first occurrence wins), cut to k."""
    return dedupe_titles(parse_titles(text, fmt), k)
