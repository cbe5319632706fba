"""`correction` (misinformed queries): does the response catch the wrong fact?

A response corrects the premise when it names the TRUE entity of a misinformation entry (the
query never does), or when it says the stated fact is wrong: "there seems to be a
misunderstanding", "X did not direct Y", "X is not credited in Y", "was actually directed by"...
The phrase list was tuned on gpt-4o's 3,239 official misinformed responses (docs/metrics.md).
"""

from __future__ import annotations

import re

from rbh import Scorer, ScoringInput
from rbh.data import title_key
from rbh.scoring import cut_preamble, is_prose, strip_reasoning

_VERBS = (
    r"direct|star|act|appear|feature|credit|involv|associat|compos|scor|writ|wrote|produc|shoot|shot|film|"
    r"photograph|cinematograph|work|perform|play|part of|known (?:for|as)|related|connected|collaborat|"
    r"responsible|behind|in the cast|cast in|a cinematographer|a director|an actor|an actress|a composer|a producer|"
    r"a writer|the director|the cinematographer|the composer|the producer|the writer"
)
PREMISE_PATTERNS = (
    r"\bmis(?:understanding|information|take|taken|attribut\w*|remember\w*)",
    r"\bmix-?\s?up\b|\bmixed up\b|\bconfus(?:ion|ed|ing)\b|\berr(?:or|oneous)\b|\bincorrect\w*|\binaccura\w*",
    r"\bnot (?:accurate|correct|true|right)\b|\bdiscrepanc\w*|\bcorrection\b|\bto clarify\b|\bclarification\b",
    r"\b(?:did not|didn't|does not|doesn't|do not|don't|was not|wasn't|were not|weren't|is not|isn't|are not|aren't|"
    r"has not|hasn't|have not|haven't|had not|hadn't|never)\b(?:\s+\w+){0,3}?\s+(?:" + _VERBS + r")",
    r"\b(?:not|no one|nobody)\s+(?:credited|involved|associated|listed|known|recognized|affiliated)\b",
    r"\bactually\s+(?:directed|starred|written|composed|scored|produced|shot|filmed|played|the|by|was|is|a|an)\b",
    r"\b(?:was|were|is)\s+(?:directed|shot|written|composed|scored|produced|photographed|filmed)\s+by\s+[A-Z]",
    r"\bno (?:record|evidence|known|information|indication|such|well-known)\b|\bnot (?:aware|able to (?:find|verify|confirm))\b",
    r"\bnot as an? (?:actor|actress|director|cinematographer|composer|producer|writer)\b|\bfictional (?:character|person|entit)",
    r"\b(?:is|was|are|were)\s+not\s+in\b|\b(?:isn't|wasn't|aren't|weren't)\s+in\b|\bby that name\b",
    r"\bcould(?:n't| not) (?:find|verify|confirm)\b.*\b(?:direct|star|act|appear|credit|involv|work)",
)
_POSSESSIVE_RE = re.compile(r"['\u2019]s\b")
_PREMISE_RE = re.compile("|".join(f"(?:{p})" for p in PREMISE_PATTERNS), re.IGNORECASE | re.DOTALL)


def prose_of(text: str) -> str:
    """The sentences of a response without its list entries (titles such as "Margin for Error"
    must not read as a correction)."""
    segments = re.split(r"\[SEP\]|\n", text)
    if len(segments) == 1:
        return text  # not a list: all of it is prose
    out = []
    for segment in segments:
        tail = cut_preamble(segment)
        if tail is not segment:
            out.append(segment[: len(segment) - len(tail)])
        elif is_prose(segment):
            out.append(segment)
    return "\n".join(out)


def flags_premise(text: str) -> bool:
    """Does the prose of the text say that the query's stated fact is wrong?"""
    return bool(_PREMISE_RE.search(prose_of(text)))


def names_entity(text: str, entity: str, query: str = "") -> bool:
    """Is `entity` named in `text` (normalized, whole words), but not already in the query?"""
    key = title_key(entity)
    if not key:
        return False
    without_possessive = _POSSESSIVE_RE.sub("", text)  # "Spike Lee's" names Spike Lee
    padded = f" {title_key(without_possessive)} "
    return f" {key} " in padded and f" {key} " not in f" {title_key(query)} "


class Correction(Scorer):
    name = "correction"
    description = "misinformed: the response names the true entity or flags the premise as wrong"
    subtypes = ("misinformed",)

    class Options(Scorer.Options):
        entity: bool = True  # naming a true entity counts
        premise: bool = True  # flagging the premise ("did not direct", "misunderstanding") counts

    options: Options

    def score(self, x: ScoringInput) -> float | None:
        text = strip_reasoning(x.response or "")
        if not text.strip():
            return 0.0
        if self.options.entity and any(names_entity(text, m.true_entity, x.sample.query) for m in x.sample.misinformation):
            return 1.0
        return float(self.options.premise and flags_premise(text))
