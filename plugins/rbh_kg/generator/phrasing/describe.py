"""Words for demographic attributes (MovieLens codes or plain values) and the template context
of a draft."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rbh.data import Condition
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
N_VARIANTS = 16  # seeded choices per query: forms, framings, closings
# Country names read with "the" ("from the United States").
ARTICLE_PLACES = ("United ", "Soviet Union", "Netherlands", "Czech Republic", "Philippines", "Dominican Republic", "Bahamas")
# Roles one person can hold together, as verbs ("written and directed by X").
ROLE_VERBS = {"written_by": "written", "directed_by": "directed", "produced_by": "produced", "music_by": "scored", "cinematography": "shot"}


def entity_text(relation: str, entity: str) -> str:
    """The entity as a sentence uses it: "the United States", "1980s"."""
    if relation == "country" and entity.startswith(ARTICLE_PLACES):
        return f"the {entity}"
    return entity


def condition_groups(conditions: Sequence[Condition]) -> list[dict[str, Any]]:
    """Conditions for the templates, one entry per entity: a person holding several roles is one
    entry with several relations ("written and directed by X", never "by X and with X as ...")."""
    groups: dict[str, dict[str, Any]] = {}
    for c in conditions:
        key = c.entity if c.relation in ROLE_VERBS else f"{c.relation}\0{c.entity}"
        entry = groups.setdefault(
            key, {"relation": c.relation, "relations": [], "entity": c.entity, "text": entity_text(c.relation, c.entity)}
        )
        entry["relations"].append(c.relation)
    for entry in groups.values():
        entry["verbs"] = [ROLE_VERBS[r] for r in ROLE_VERBS if r in entry["relations"]]
    return list(groups.values())


def display_titles(titles: Mapping[str, str], years: Mapping[str, int | None]) -> dict[str, str]:
    """Titles with "(year)" added wherever the catalog holds the same title more than once."""
    from rbh.data import title_key

    counts = Counter(title_key(t) for t in titles.values())
    return {i: f"{t} ({years[i]})" if counts[title_key(t)] > 1 and years.get(i) else t for i, t in titles.items()}


def persona(group: Mapping[str, Any]) -> str:
    """'a 25-34-year-old female programmer' from whichever attributes the group has."""
    age, gender, occupation = group.get("age"), group.get("gender"), group.get("occupation")
    age_text = AGES.get(str(age), str(age)).lower() if age else ""
    if age_text.startswith("under"):
        age_text = "teenage"
    elif age_text.endswith("+"):
        age_text = f"{age_text[:-1]}-plus-year-old"
    elif age_text:
        age_text = f"{age_text}-year-old"
    sex = GENDERS.get(str(gender).lower(), "") if gender else ""
    occ = occupation_noun(str(occupation)) if occupation else ""
    if occ:
        words = [age_text, {"man": "male", "woman": "female"}.get(sex, ""), occ]
    else:
        words = [age_text, sex or "person"]
    text = " ".join(w for w in words if w)
    return _article(text)


def occupation_noun(occupation: str) -> str:
    """'programmer', 'retiree', 'college student' for an ML-1M code or label."""
    phrase = OCCUPATIONS.get(occupation) or OCCUPATION_NAMES.get(occupation.lower()) or occupation
    phrase = NOUN_FORMS.get(phrase, phrase)
    return phrase.split(" ", 1)[1] if phrase.startswith(("a ", "an ")) else phrase


NOUN_FORMS = {
    "retired": "retiree",
    "self-employed": "self-employed professional",
    "unemployed": "person between jobs",
    "in sales and marketing": "sales and marketing professional",
}


def _article(word: str) -> str:
    vowel = word[:1].lower() in "aeiou" or word.startswith(("18", "8", "11"))
    return f"{'an' if vowel else 'a'} {word}"


def variants(draft: Draft, seed: int, attempt: int) -> list[int]:
    """Seeded variant numbers for one draft and attempt."""
    rng = random.Random(f"{seed}:phrase:{draft.subtype}:{draft.key}:{attempt}")
    return [rng.randrange(1 << 16) for _ in range(N_VARIANTS)]


def template_context(draft: Draft, catalog_titles: Mapping[str, str], v: list[int]) -> dict[str, Any]:
    """The variables the subtype template of `draft` renders with (`catalog_titles`: id → the
    title a query shows, with its year where the title is ambiguous)."""
    ctx: dict[str, Any] = {"domain": draft.domain, "v": v}
    if draft.subtype in ("interest", "demographics"):
        ctx["taste"] = condition_groups(draft.taste)
        ctx["seeds"] = [catalog_titles[i] for i in draft.seeds]
        if draft.subtype == "demographics":
            ctx["persona"] = persona(draft.group or {})
        return ctx
    ctx["conditions"] = condition_groups(draft.direct_conditions if draft.bridges else draft.conditions)
    if draft.bridges:
        ctx["relation"] = draft.bridges[0].relation
        ctx["titles"] = [catalog_titles[b.item_id] for b in draft.bridges]
        ctx["both"] = len(draft.bridges) > 1
    if draft.misinformation:
        ctx["wrong"] = draft.misinformation[0].stated_entity
    return ctx
