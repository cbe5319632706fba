"""The response parser (docs/design.md §8.1)."""

from __future__ import annotations

from rbh.scoring.parse import ParsedTitle, parse_response


def titles(text: str, fmt: str = "sep", k: int | None = None) -> list[tuple[str, int | None]]:
    return [(p.title, p.year) for p in parse_response(text, fmt, k)]


def test_sep_list_with_quotes_years_and_duplicates() -> None:
    text = "\"Heat\" (1995) [SEP] 'Alien' [SEP]  Heat  [SEP] Aliens (1986) [SEP] [SEP]"
    assert titles(text) == [("Heat", 1995), ("Alien", None), ("Aliens", 1986)]
    assert titles("Heat (1995) [SEP] Alien [SEP] heat") == [("Heat", 1995), ("Alien", None)]


def test_same_title_with_different_years_is_kept_twice() -> None:
    assert titles("Psycho (1960) [SEP] Psycho (1998)") == [("Psycho", 1960), ("Psycho", 1998)]


def test_numbered_and_bulleted_lines_with_preamble_and_outro() -> None:
    text = 'Here are some movies you might like:\n1. Heat (1995)\n2) "Alien"\n- Se7en\n\nEnjoy these thrillers!'
    assert titles(text) == [("Heat", 1995), ("Alien", None), ("Se7en", None)]


def test_json_array_of_strings_and_objects() -> None:
    assert titles('["Heat", "Alien (1979)"]', "json") == [("Heat", None), ("Alien", 1979)]
    assert titles('Sure: [{"title": "Heat"}, {"name": "Alien"}]', "json") == [("Heat", None), ("Alien", None)]


def test_cut_to_k_after_deduplication() -> None:
    assert titles("A1 [SEP] A1 [SEP] B2 [SEP] C3", k=2) == [("A1", None), ("B2", None)]


def test_reasoning_is_never_parsed() -> None:
    assert titles("<think>Maybe Heat [SEP] Alien</think>Aliens [SEP] Psycho") == [("Aliens", None), ("Psycho", None)]
    assert titles("thinking about Heat...</think>Aliens") == [("Aliens", None)]


def test_preamble_inside_the_first_sep_entry_is_cut() -> None:
    text = (
        'I\'m sorry, there seems to be a misunderstanding. Spike Lee directed "Girl 6". However, here are some '
        "films directed by Spike Lee that you might enjoy: [SEP] Do the Right Thing [SEP] Malcolm X"
    )
    assert titles(text) == [("Do the Right Thing", None), ("Malcolm X", None)]
    text = "Maxon Crumb is not an actor. If you like Lucasfilm, you might enjoy the following: Star Wars: A New Hope [SEP] Willow"
    assert titles(text) == [("Star Wars: A New Hope", None), ("Willow", None)]


def test_subtitles_with_colons_survive() -> None:
    assert titles("Star Wars: Episode IV - A New Hope [SEP] Indiana Jones: Raiders of the Lost Ark") == [
        ("Star Wars: Episode IV - A New Hope", None),
        ("Indiana Jones: Raiders of the Lost Ark", None),
    ]


def test_prose_only_answer_is_no_recommendation() -> None:
    assert titles("I'm sorry, I couldn't find any movies that match your query.") == []
    assert titles("[SEP]") == []
    assert titles("") == []


def test_a_single_short_line_is_one_title() -> None:
    assert titles("Heat") == [("Heat", None)]


def test_year_followed_by_a_note() -> None:
    assert titles("Heat (1995) - a crime epic by Michael Mann [SEP] Alien") == [("Heat", 1995), ("Alien", None)]


def test_parsed_title_to_dict() -> None:
    assert ParsedTitle("Heat", 1995).to_dict() == {"title": "Heat", "year": 1995}


def test_abbreviations_are_not_sentence_ends() -> None:
    titles = parse_response(
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964) [SEP] Mr. Smith Goes to Washington [SEP] St. Elmo's Fire"
    )
    assert [t.title for t in titles] == [
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb",
        "Mr. Smith Goes to Washington",
        "St. Elmo's Fire",
    ]


def test_exclamation_titles_with_years_are_kept() -> None:
    titles = parse_response("Tie Me Up! Tie Me Down! (1990) [SEP] Airplane! (1980)")
    assert [(t.title, t.year) for t in titles] == [("Tie Me Up! Tie Me Down!", 1990), ("Airplane!", 1980)]
