"""The generator's validity rules one by one, on small hand-built facts: plausible misinformation,
hidden conditions that matter, the entity cap, wording, personas."""

from __future__ import annotations

import pytest

from rbh import KG, Catalog, Item, Triple
from rbh.data import Condition
from rbh_kg.generator.config import GeneratorConfig
from rbh_kg.generator.context import HiddenMix
from rbh_kg.generator.implicit import first_billed, hidden_matters
from rbh_kg.generator.phrasing.describe import nouns, persona
from rbh_kg.generator.plausibility import FAMILY, GENDER, INACTIVE, LANGUAGE, UNHELD, Plausibility
from rbh_kg.generator.shares import ShareBalancer
from rbh_kg.generator.wording import all_novels, is_novel, says_novels, slips

FILMS = {
    # id: (year, director, lead actors, language)
    "f1": (1990, "Dana", ["Ann", "Bob"], "English"),
    "f2": (1992, "Dana", ["Ann", "Cid"], "English"),
    "f3": (1993, "Eve", ["Bob", "Cid", "Ann"], "English"),
    "f4": (1950, "Old", ["Gus"], "English"),
    "f5": (1991, "Frank", ["Hal"], "French"),
}
PEOPLE = {p: {"gender": g} for p, g in [("Ann", "female"), ("Bob", "male"), ("Cid", "male"), ("Gus", "male"), ("Hal", "male")]}
PEOPLE |= {"Dana": {"gender": "female"}, "Eve": {"gender": "female"}, "Old": {"gender": "male"}, "Frank": {"gender": "male"}}


def _movies() -> tuple[Catalog, KG]:
    items, triples = [], []
    for i, (year, director, cast, language) in FILMS.items():
        items.append(Item(i, i.upper(), year))
        triples += [Triple(i, "directed_by", director), Triple(i, "language", language)]
        triples += [Triple(i, "starring", a) for a in cast]
    return Catalog(items, domain="movie"), KG(triples)


@pytest.fixture
def movies() -> Plausibility:
    catalog, kg = _movies()
    return Plausibility("movie", catalog, kg, PEOPLE, GeneratorConfig())


def test_a_plausible_wrong_director_passes(movies):
    assert movies.problems("directed_by", "Dana", "Eve", ["f1"]) == []


def test_each_plausibility_rule_can_fail(movies):
    assert UNHELD in movies.problems("directed_by", "Dana", "Nobody", ["f1"])
    assert INACTIVE in movies.problems("directed_by", "Dana", "Old", ["f1"])  # last film 1950, bridge 1990
    assert GENDER in movies.problems("directed_by", "Dana", "Frank", ["f1"])
    assert LANGUAGE in movies.problems("directed_by", "Eve", "Frank", ["f1"])  # Frank made French films only
    assert movies.problems("starring", "Ann", "Gus", ["f2"]) == [INACTIVE, GENDER]


def test_no_gender_data_skips_the_gender_rule():
    catalog, kg = _movies()
    plain = Plausibility("movie", catalog, kg, {}, GeneratorConfig())
    assert GENDER not in plain.rules and plain.problems("directed_by", "Dana", "Frank", ["f5"]) == []
    assert plain.required_gender("directed_by", "Dana") is None


def test_unknown_true_gender_admits_no_wrong_person(movies):
    assert movies.required_gender("directed_by", "Mystery") == ""
    assert GENDER in movies.problems("directed_by", "Mystery", "Eve", ["f1"])


def test_books_keep_the_genre_family():
    items = [Item("b1", "B1", 1980), Item("b2", "B2", 1982), Item("b3", "B3", 1981)]
    triples = [
        Triple("b1", "written_by", "Spy Writer"), Triple("b1", "genre", "Thriller"),
        Triple("b2", "written_by", "Kid Writer"), Triple("b2", "genre", "Children's"),
        Triple("b3", "written_by", "Other Spy"), Triple("b3", "genre", "Mystery"),
    ]  # fmt: skip
    rules = Plausibility("book", Catalog(items, domain="book"), KG(triples), {}, GeneratorConfig())
    assert FAMILY in rules.problems("written_by", "Kid Writer", "Spy Writer", ["b2"])
    assert rules.problems("written_by", "Other Spy", "Spy Writer", ["b3"]) == []  # crime for crime


def test_hidden_condition_must_matter():
    def answers(conditions):
        sizes = {frozenset(): 100, frozenset({"a"}): 10, frozenset({"b"}): 11, frozenset({"a", "b"}): 6}
        return sizes[frozenset(c.entity for c in conditions)]

    a, b = Condition("starring", "a"), Condition("genre", "b")
    assert not hidden_matters(answers, [a, b], a)  # without a: 11 answers, not twice 6
    assert hidden_matters(answers, [a], a)  # a single condition always matters (the catalog without it)
    assert hidden_matters(lambda c: 2 if len(c) == 2 else 9, [a, b], a)


def test_first_billed_reads_the_billing_order():
    _, kg = _movies()
    people = {"starring"}
    assert first_billed(kg, "f3", "starring", "Cid", 2, people) and not first_billed(kg, "f3", "starring", "Ann", 2, people)
    assert first_billed(kg, "f3", "genre", "anything", 2, people)  # only people are billed


def test_entity_cap_allows_two_then_a_share():
    mix = HiddenMix(ShareBalancer({}), max_share=0.05)
    for _ in range(2):
        assert mix.entity_has_room("King")
        mix.record(Condition("written_by", "King"))
    assert not mix.entity_has_room("King")
    for n in range(70):
        mix.record(Condition("written_by", f"author {n}"))
    assert mix.entity_has_room("King")  # 3 of 73 is under 0.9 × 5%


@pytest.mark.parametrize(
    "query, rule",
    [
        ("I'm a 25-34-year-old programmer.", "age_bracket_as_age"),
        ("I'm a 56-plus-year-old woman.", "age_bracket_as_age"),
        ("Movies that are both action, sci-fi and thriller.", "both_of_three"),
        ("Now I'd like crime movies.", "dangling_continuation"),
        ("Books by an author from the United States.", "country_as_nationality"),
        ("I've got a long train commute. I'm looking for this, since that's what everyone in the group enjoys.", "opener_clash"),
        ("It's my sister's birthday. What I really want right now is poetry.", "opener_clash"),
    ],
)
def test_slips_are_caught(query, rule):
    assert rule in slips(query)


def test_natural_queries_have_no_slip():
    assert slips("I loved both Heat and Ronin. Can you recommend crime movies starring the star of both Heat and Ronin?") == []
    assert slips("I'm a programmer in my late twenties and I love thriller movies from the 1990s.") == []


def test_novels_only_when_every_answer_is_one():
    items = [("n", ["Fantasy"]), ("s", ["Science Fiction", "Short Stories"]), ("p", ["Children's", "Picture Book"])]
    items += [("ph", ["Philosophy"]), ("pn", ["Philosophy", "Literary Fiction"])]
    kg = KG([Triple(i, "genre", g) for i, genres in items for g in genres])
    assert [is_novel(kg, i) for i, _ in items] == [True, False, False, False, True]
    assert all_novels(kg, ["n", "pn"]) and not all_novels(kg, ["n", "s"]) and not all_novels(kg, [])
    assert says_novels("Any fantasy novels?") and not says_novels("Any graphic novels?")
    assert nouns("book", novels=False) == ["books"] and nouns("book", novels=True) == ["books", "novels"]


@pytest.mark.parametrize(
    "group, said",
    [
        ({"age": "25-34", "gender": "F", "occupation": "programmer"}, "a female programmer in my late twenties"),
        ({"age": "56+", "gender": "M"}, "a man over fifty-five"),
        ({"age": "Under 18"}, "a teenager"),
        ({"age": "Under 18", "gender": "F"}, "a teenage girl"),
        ({"age": "1", "occupation": "10"}, "a high-school student"),
        ({"age": "18-24"}, "someone in my early twenties"),
        ({"occupation": "retired"}, "a retiree"),
        ({"gender": "M", "occupation": "academic/educator"}, "a male educator"),
    ],
)
def test_personas_read_as_people_speak(group, said):
    assert persona(group) == said


def test_people_table_from_csv_or_tsv(tmp_path):
    from rbh import UsageError
    from rbh_kg.generator.inputs import load_people_table

    csv = tmp_path / "people.csv"
    csv.write_text("name,gender\nAnn,Female\nBob,male\n", encoding="utf-8")
    assert load_people_table(csv) == {"Ann": {"gender": "female"}, "Bob": {"gender": "male"}}
    tsv = tmp_path / "mine.tsv"
    tsv.write_text("Ann\tfemale\n", encoding="utf-8")
    assert load_people_table(tsv) == {"Ann": {"gender": "female"}}
    csv.write_text("name,gender\nAnn,woman\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown gender 'woman'"):
        load_people_table(csv)
    csv.write_text("person,sex\nAnn,female\n", encoding="utf-8")
    with pytest.raises(UsageError, match="needs 'name' and 'gender' columns"):
        load_people_table(csv)
