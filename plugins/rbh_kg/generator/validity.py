"""The validity figures of a generated benchmark (docs/generator.md, "Validity"): each rule the
builders and validators enforce, measured again on the final samples — the share that passes,
per config — plus what the paper's design implies and rarely reports: how much of the catalog's
valid answers the ground truth covers, and how often two samples ask the same thing and expect
different answers. Shown in `rbh generate`'s report and the dataset card."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rbh import Sample
from rbh.data import Condition, title_key
from rbh_kg.generator.context import BuildContext, contains_key
from rbh_kg.generator.implicit import first_billed, hidden_matters, identifies
from rbh_kg.generator.plausibility import FAMILY, GENDER, INACTIVE, LANGUAGE, UNHELD
from rbh_kg.generator.taste import THEME_RELATIONS
from rbh_kg.generator.wording import all_novels, says_novels, slips

# Rule names as the report shows them, with what each measures.
RULES: dict[str, str] = {
    "hidden_identified": "the bridges' shared values of the hidden relation are exactly the hidden entity",
    "hidden_first_billed": "a hidden person is among the first-billed credits of every bridge",
    "hidden_matters": "without the hidden condition the request has ≥ 2× the answers and ≥ 3 more",
    "misinfo_same_relation": "the stated wrong entity holds the same relation elsewhere in the KG",
    "misinfo_active": "the stated entity was active when each bridge came out",
    "misinfo_gender": "a stated person has the true person's gender",
    "misinfo_genre_family": "a stated author, series or publisher works in the bridges' genre family",
    "misinfo_language": "the stated entity has worked in each bridge's language",
    "no_template_slip": "no slip of wording (ages as brackets, 'both' over three, clashing openers, ...)",
    "novels_match_answers": "a query says 'novels' only when every answer is a novel",
    "theme_not_entity": "a profile query's theme and text name no person or series",
}
PLAUSIBILITY_RULES = {
    UNHELD: "misinfo_same_relation",
    INACTIVE: "misinfo_active",
    GENDER: "misinfo_gender",
    FAMILY: "misinfo_genre_family",
    LANGUAGE: "misinfo_language",
}


@dataclass
class ConfigValidity:
    """One config's rule counts and answer-coverage figures."""

    passed: Counter[str] = field(default_factory=Counter)
    checked: Counter[str] = field(default_factory=Counter)
    coverage: list[float] = field(default_factory=list)  # |ground truth| / |catalog items satisfying the request|
    condition_sets: dict[frozenset[Condition], set[frozenset[str]]] = field(default_factory=dict)
    hidden_entities: Counter[str] = field(default_factory=Counter)
    samples: int = 0

    def count(self, rule: str, ok: bool) -> None:
        self.checked[rule] += 1
        self.passed[rule] += ok

    def share(self, rule: str) -> float:
        return self.passed[rule] / self.checked[rule] if self.checked[rule] else float("nan")

    def shared_condition_share(self) -> float:
        """Share of samples whose exact condition set another sample asks with a different ground truth."""
        clashing = sum(len(truths) for truths in self.condition_sets.values() if len(truths) > 1)
        return clashing / self.samples if self.samples and self.condition_sets else float("nan")

    def top_hidden_entity(self) -> tuple[str, float] | None:
        if not self.hidden_entities:
            return None
        entity, n = self.hidden_entities.most_common(1)[0]
        return entity, n / sum(self.hidden_entities.values())


def measure(ctx: BuildContext, samples: Iterable[Sample], into: ConfigValidity | None = None) -> ConfigValidity:
    """Count every applicable rule on `samples` (one config's)."""
    out = into or ConfigValidity()
    for s in samples:
        out.samples += 1
        _wording(ctx, s, out)
        if s.bridges:
            _hidden(ctx, s, out)
        if s.misinformation:
            _misinformation(ctx, s, out)
        theme = _theme(s)
        if s.conditions:
            out.coverage.append(len(s.ground_truth) / max(1, ctx.answers(s.conditions)))
            out.condition_sets.setdefault(frozenset(s.conditions), set()).add(frozenset(s.ground_truth))
        elif theme:
            out.coverage.append(len(s.ground_truth) / max(1, theme_answers(ctx, theme)))
            _profile(ctx, s, theme, out)
    return out


def _wording(ctx: BuildContext, s: Sample, out: ConfigValidity) -> None:
    out.count("no_template_slip", not slips(s.query))
    if says_novels(s.query) or "novels" in ctx.profile.query_nouns:
        out.count("novels_match_answers", not says_novels(s.query) or all_novels(ctx.inputs.kg, s.ground_truth))


def _hidden(ctx: BuildContext, s: Sample, out: ConfigValidity) -> None:
    kg = ctx.inputs.kg
    relation, entity = s.bridges[0].relation, s.bridges[0].entity
    out.count("hidden_identified", identifies([set(kg.entities(b.item_id, relation)) for b in s.bridges], entity))
    if relation in ctx.people:
        out.count(
            "hidden_first_billed",
            all(first_billed(kg, b.item_id, relation, entity, ctx.config.first_billed, ctx.people) for b in s.bridges),
        )
    out.count("hidden_matters", hidden_matters(ctx.answers, s.conditions, Condition(relation, entity)))
    out.hidden_entities[entity] += 1


def _misinformation(ctx: BuildContext, s: Sample, out: ConfigValidity) -> None:
    m = s.misinformation[0]
    plausible = ctx.plausibility
    broken = set(plausible.problems(m.relation, m.true_entity, m.stated_entity, [x.item_id for x in s.misinformation]))
    for rule in plausible.rules:
        if rule == GENDER and m.relation not in ctx.people:
            continue
        out.count(PLAUSIBILITY_RULES[rule], rule not in broken)


def _theme(s: Sample) -> list[tuple[str, str]]:
    return [(t["relation"], t["entity"]) for t in (s.group or {}).get("theme") or ()]


def _profile(ctx: BuildContext, s: Sample, theme: Sequence[tuple[str, str]], out: ConfigValidity) -> None:
    """The theme is genres/era/language/country only, and the query names no person or series of
    its seeds or answers."""
    kg = ctx.inputs.kg
    seeds = [i for i in str((s.group or {}).get("pattern") or "").split(" > ") if i]
    query = f" {title_key(s.query)} "
    for seed in seeds:  # a seed's own title may hold a name ("The Memoirs of Sherlock Holmes")
        query = query.replace(f" {ctx.title_key(seed)} ", " ")
    named = ctx.people | {"series"}  # what a profile query never names: people and series
    names = {e for i in (*seeds, *s.ground_truth) if i in kg for r, e in kg.facts(i) if r in named}
    ok = all(r in THEME_RELATIONS for r, _ in theme) and not any(contains_key(query, title_key(n)) for n in names)
    out.count("theme_not_entity", ok)


def theme_answers(ctx: BuildContext, theme: Sequence[tuple[str, str]]) -> int:
    """Catalog items holding every fact of a profile theme (a decade read from the item's year)."""
    tastes = ctx.tastes
    facts = [(r, e) for r, e in theme]
    items = tastes.holders.get(facts[0], frozenset()) if facts else frozenset()
    for f in facts[1:]:
        items = items & tastes.holders.get(f, frozenset())
    return len(items)


def coverage_text(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "–"
