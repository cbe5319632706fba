"""Words for demographic attributes (MovieLens codes or plain values) and the template context
of a draft."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from rbh_kg.generator.drafts import Draft

AGES = {"1": "under 18", "18": "18-24", "25": "25-34", "35": "35-44", "45": "45-49", "50": "50-55", "56": "56+"}
GENDERS = {"m": "man", "male": "man", "f": "woman", "female": "woman"}
OCCUPATIONS = {
    "1": "an educator",
    "2": "an artist",
    "3": "a clerical worker",
    "4": "a college student",
    "5": "a customer service worker",
    "6": "a health care worker",
    "7": "an executive",
    "8": "a farmer",
    "9": "a homemaker",
    "10": "a high-school student",
    "11": "a lawyer",
    "12": "a programmer",
    "13": "retired",
    "14": "in sales and marketing",
    "15": "a scientist",
    "16": "self-employed",
    "17": "an engineer",
    "18": "a tradesman",
    "19": "unemployed",
    "20": "a writer",
}
OCCUPATION_NAMES = {
    "academic/educator": "an educator",
    "clerical/admin": "a clerical worker",
    "college/grad student": "a college student",
    "customer service": "a customer service worker",
    "doctor/health care": "a health care worker",
    "executive/managerial": "an executive",
    "k-12 student": "a high-school student",
    "sales/marketing": "in sales and marketing",
    "technician/engineer": "an engineer",
    "tradesman/craftsman": "a tradesman",
    "retired": "retired",
    "self-employed": "self-employed",
    "unemployed": "unemployed",
}
N_VARIANTS = 9  # slots 0-5 conditions, 6 bridge form, 7 noun, 8 frame


def persona(group: Mapping[str, Any]) -> str:
    """'a 25-34-year-old woman who is a programmer' from whichever attributes the group has."""
    age = group.get("age")
    gender = group.get("gender")
    occupation = group.get("occupation")
    age_text = AGES.get(str(age), str(age)).lower() if age else None
    who = GENDERS.get(str(gender).lower(), str(gender).lower()) if gender else "person"
    if not age_text:
        text = f"a {who}"
    elif age_text.startswith("under"):
        text = f"a {who} {age_text}"
    elif age_text.endswith("+"):
        text = f"a {who} aged {age_text[:-1]} or over"
    else:
        text = f"{'an' if age_text.startswith(('18', '8', '11')) else 'a'} {age_text}-year-old {who}"
    if occupation:
        occ = str(occupation)
        occ = OCCUPATIONS.get(occ) or OCCUPATION_NAMES.get(occ.lower()) or _article(occ)
        text += f" who is {occ}"
    return text


def _article(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def variants(draft: Draft, seed: int, attempt: int) -> list[int]:
    """Seeded variant numbers for one draft and attempt."""
    rng = random.Random(f"{seed}:phrase:{draft.subtype}:{draft.key}:{attempt}")
    return [rng.randrange(1 << 16) for _ in range(N_VARIANTS)]


def template_context(draft: Draft, catalog_titles: Mapping[str, str], v: list[int]) -> dict[str, Any]:
    """The variables the subtype template of `draft` renders with."""
    ctx: dict[str, Any] = {"domain": draft.domain, "v": v}
    if draft.subtype in ("interest", "demographics"):
        ctx["taste"] = list(draft.taste)
        if draft.subtype == "demographics":
            ctx["persona"] = persona(draft.group or {})
        return ctx
    ctx["conditions"] = list(draft.direct_conditions) if draft.bridges else list(draft.conditions)
    if draft.bridges:
        ctx["relation"] = draft.bridges[0].relation
        ctx["titles"] = [catalog_titles[b.item_id] for b in draft.bridges]
        ctx["both"] = len(draft.bridges) > 1
    if draft.misinformation:
        ctx["wrong"] = draft.misinformation[0].stated_entity
    return ctx
