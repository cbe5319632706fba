"""Words for demographic attributes (MovieLens codes or plain values) and the template context
of a draft."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rbh.data import AGE_BUCKETS, Condition
from rbh_kg.generator.drafts import Draft

# How a person says their age bracket (MovieLens codes; other values are said as "I'm {age}").
AGE_PHRASES = {
    "1": "in my teens",
    "18": "in my early twenties",
    "25": "in my late twenties",
    "35": "in my late thirties",
    "45": "in my late forties",
    "50": "in my early fifties",
    "56": "over fifty-five",
}
AGE_CODES = {label.lower(): str(code) for code, label in AGE_BUCKETS.items()}  # "25-34" -> "25"
GENDER_NOUNS = {"m": "man", "male": "man", "f": "woman", "female": "woman"}
GENDER_ADJECTIVES = {"man": "male", "woman": "female"}
TEEN_NOUNS = {"man": "teenage boy", "woman": "teenage girl", "": "teenager"}
OCCUPATIONS = {
    "1": "educator",
    "2": "artist",
    "3": "clerical worker",
    "4": "college student",
    "5": "customer service worker",
    "6": "health care worker",
    "7": "executive",
    "8": "farmer",
    "9": "homemaker",
    "10": "high-school student",
    "11": "lawyer",
    "12": "programmer",
    "13": "retiree",
    "14": "sales and marketing professional",
    "15": "scientist",
    "16": "self-employed professional",
    "17": "engineer",
    "18": "tradesman",
    "19": "job seeker",
    "20": "writer",
}
OCCUPATION_NAMES = {
    "academic/educator": "educator",
    "clerical/admin": "clerical worker",
    "college/grad student": "college student",
    "customer service": "customer service worker",
    "doctor/health care": "health care worker",
    "executive/managerial": "executive",
    "k-12 student": "high-school student",
    "sales/marketing": "sales and marketing professional",
    "technician/engineer": "engineer",
    "tradesman/craftsman": "tradesman",
    "retired": "retiree",
    "self-employed": "self-employed professional",
    "unemployed": "job seeker",
}
STUDENTS = ("high-school student", "college student")
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
    """Who a demographics query speaks as, after "I'm" or "As": "a female programmer in my late
    twenties", "a woman over fifty-five", "a teenager", "someone in my early twenties"."""
    age = str(group.get("age") or "")
    age = AGE_CODES.get(age.lower(), age)
    sex = GENDER_NOUNS.get(str(group.get("gender") or "").lower(), "")
    occ = occupation_noun(str(group.get("occupation"))) if group.get("occupation") else ""
    age_text = AGE_PHRASES.get(age, f"aged {age}" if age else "")
    if age == "1" and not occ:
        return _article(TEEN_NOUNS[sex])
    if age == "1" and occ in STUDENTS:
        age_text = ""  # a school student's age goes without saying
    if occ:
        noun = " ".join(w for w in (GENDER_ADJECTIVES.get(sex, ""), occ) if w)
    else:
        noun = sex or "someone"
    text = " ".join(w for w in (noun, age_text) if w)
    return text if noun == "someone" else _article(text)


def occupation_noun(occupation: str) -> str:
    """'programmer', 'retiree', 'college student' for an ML-1M code or label."""
    return OCCUPATIONS.get(occupation) or OCCUPATION_NAMES.get(occupation.lower()) or occupation.lower()


def _article(word: str) -> str:
    vowel = word[:1].lower() in "aeiou" or word.startswith(("18", "8", "11"))
    return f"{'an' if vowel else 'a'} {word}"


def nouns(domain: str, novels: bool) -> list[str]:
    """What a query may call the items it asks for (the domain profile's nouns); "novels" only
    when every answer is one."""
    from rbh import domain_profile

    return [f for f in domain_profile(domain).query_nouns if novels or f != "novels"]


def variants(draft: Draft, seed: int, attempt: int) -> list[int]:
    """Seeded variant numbers for one draft and attempt."""
    rng = random.Random(f"{seed}:phrase:{draft.subtype}:{draft.key}:{attempt}")
    return [rng.randrange(1 << 16) for _ in range(N_VARIANTS)]


def template_context(draft: Draft, catalog_titles: Mapping[str, str], v: list[int]) -> dict[str, Any]:
    """The variables the subtype template of `draft` renders with (`catalog_titles`: id → the
    title a query shows, with its year where the title is ambiguous)."""
    ctx: dict[str, Any] = {"domain": draft.domain, "v": v, "nouns": nouns(draft.domain, draft.novels)}
    if draft.subtype in ("interest", "demographics"):
        ctx["taste"] = condition_groups(draft.taste)
        ctx["seeds"] = [catalog_titles[i] for i in draft.seeds]
        if draft.subtype == "demographics":
            who = persona(draft.group or {})
            ctx["persona"] = who
            ctx["i_am"] = who.removeprefix("someone ")  # "I'm in my late twenties", not "I'm someone in ..."
        return ctx
    ctx["conditions"] = condition_groups(draft.direct_conditions if draft.bridges else draft.conditions)
    if draft.bridges:
        ctx["relation"] = draft.bridges[0].relation
        ctx["titles"] = [catalog_titles[b.item_id] for b in draft.bridges]
        ctx["both"] = len(draft.bridges) > 1
    if draft.misinformation:
        ctx["wrong"] = draft.misinformation[0].stated_entity
    return ctx
