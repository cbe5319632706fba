"""Template and LLM phrasers: validators, re-asks, rejects counted, the response cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pluggy
import pytest

from rbh import hookspecs
from rbh.data.catalog import Catalog, Item
from rbh.data.sample import Bridge, Condition, Misinformation
from rbh.models.base import ChatRequest, Completion, Model
from rbh.registry import Registry
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.phrasing.base import make_phraser
from rbh_kg.generator.phrasing.template import TemplatePhraser
from rbh_kg.generator.pipeline import build_drafts, phrase_and_validate
from rbh_kg.generator.stats import GenerationStats
from rbh_kg.generator.validators import violations
from tests.servers.llm_server import LLMServer, Reply

CATALOG = Catalog([Item("jaws", "Jaws", 1975), Item("hook", "Hook", 1991), Item("duel", "Duel", 1971)], domain="movie")


def test_template_phrasings_are_grammatical_for_one_to_four_conditions():
    phraser = TemplatePhraser()
    phraser.bind(CATALOG)
    conds = [
        Condition("genre", "Adventure"),
        Condition("directed_by", "Steven Spielberg"),
        Condition("starring", "Roy Scheider"),
        Condition("music_by", "John Williams"),
    ]
    for n in range(1, 5):
        draft = Draft("movie", "explicit", f"k{n}", ("duel",), conditions=tuple(conds[:n]))
        for attempt in range(6):
            query = phraser.phrase([draft], attempt)[0].query
            assert not violations(draft, query, CATALOG), query
            assert "  " not in query and " ?" not in query and ", and" not in query and len(query.split()) >= 25
    four = phraser.direct(Draft("movie", "explicit", "k", ("duel",), conditions=tuple(conds)))
    assert four == (
        "Can you recommend some adventure movies directed by Steven Spielberg, starring Roy Scheider and with music by John Williams?"
    )


def test_one_person_with_several_roles_is_named_once():
    phraser = TemplatePhraser()
    phraser.bind(CATALOG)
    conds = (Condition("directed_by", "Ridley Scott"), Condition("produced_by", "Ridley Scott"))
    query = phraser.direct(Draft("movie", "explicit", "k", ("duel",), conditions=conds))
    assert query == "Can you recommend some movies directed and produced by Ridley Scott?"


def test_ambiguous_titles_carry_their_year():
    catalog = Catalog([Item("g1", "True Grit", 1969), Item("g2", "True Grit", 2010), Item("jaws", "Jaws", 1975)], domain="movie")
    phraser = TemplatePhraser()
    phraser.bind(catalog)
    draft = Draft(
        "movie",
        "implicit",
        "k",
        ("jaws",),
        conditions=(Condition("directed_by", "Henry Hathaway"),),
        bridges=(Bridge("g1", "directed_by", "Henry Hathaway"),),
    )
    queries = {phraser.phrase([draft], a)[0].query for a in range(4)}
    assert all("True Grit (1969)" in q for q in queries) and not any("Jaws (" in q for q in queries)


def test_validators():
    explicit = Draft("movie", "explicit", "k", ("jaws",), conditions=(Condition("directed_by", "Steven Spielberg"),))
    assert violations(explicit, "Films by Steven Spielberg like Jaws", CATALOG) == ["ground_truth_title"]
    assert violations(explicit, "Films by Spielberg", CATALOG) == ["missing_condition"]
    assert violations(explicit, "  ", CATALOG) == ["empty"]
    bridge = (Bridge("hook", "directed_by", "Steven Spielberg"),)
    implicit = Draft("movie", "implicit", "k", ("jaws",), conditions=(Condition("directed_by", "Steven Spielberg"),), bridges=bridge)
    assert violations(implicit, "Films by the director of Hook", CATALOG) == []
    assert violations(implicit, "Films by Steven Spielberg, who made Hook", CATALOG) == ["names_true_entity"]
    mis = Draft(
        "movie",
        "misinformed",
        "k",
        ("jaws",),
        conditions=implicit.conditions,
        bridges=bridge,
        misinformation=(Misinformation("hook", "directed_by", "Steven Spielberg", "Ridley Scott"),),
    )
    assert violations(mis, "Films by Ridley Scott, who directed Hook", CATALOG) == []
    assert violations(mis, "Films by the director of Hook", CATALOG) == ["missing_stated_entity"]


class EchoModel(Model):
    """Deterministic phrasings: answers with the example the prompt gives (quoted, to test cleaning)."""

    name = "echo-phraser"
    calls: list[int] = []

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        EchoModel.calls.append(len(requests))
        for i, r in enumerate(requests):
            example = r.messages[-1]["content"].split("Example of a valid request: ", 1)[1].splitlines()[0]
            yield i, Completion(text=f'"{example}"')


class StubbornModel(Model):
    """Breaks the validators on the first attempt (an empty request), complies when re-asked."""

    name = "stubborn-phraser"

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        for i, r in enumerate(requests):
            prompt = r.messages[-1]["content"]
            example = prompt.split("Example of a valid request: ", 1)[1].splitlines()[0]
            yield i, Completion(text=example if "(Attempt 2" in prompt else "Something good, please.")


class _Plugin:
    @hookspecs.hookimpl
    def register_models(self, register: Callable[..., None]) -> None:
        register(EchoModel)
        register(StubbornModel)


def _registry() -> Registry:
    pm = pluggy.PluginManager("rbh")
    pm.add_hookspecs(hookspecs)
    pm.register(_Plugin(), name="test-phrasers")
    return Registry(pm)


@pytest.fixture(scope="module")
def some_drafts(small_inputs, small_config):
    drafts = build_drafts(small_inputs, small_config)
    return {s: d[:25] for s, d in drafts.items() if s != "robustness"}  # the paired sets: test_robustness.py


def test_llm_phraser_batches_through_the_response_cache(some_drafts, small_inputs, small_config):
    registry = _registry()
    EchoModel.calls.clear()
    for _run in range(2):
        phraser = make_phraser("echo-phraser", registry=registry)
        phraser.bind(small_inputs.catalog)
        stats = GenerationStats()
        for _subtype, drafts in some_drafts.items():
            samples = phrase_and_validate(drafts, phraser, small_inputs.catalog, small_config, stats)
            assert len(samples) == len(drafts)
            assert all(not s.query.startswith('"') for s in samples)
        phraser.close()
        assert not stats.rejected
    assert EchoModel.calls == [len(d) for d in some_drafts.values()], "one batch per subtype, and nothing sent again on the second run"


def test_llm_rejects_are_reasked_and_counted(some_drafts, small_inputs, small_config):
    phraser = make_phraser("stubborn-phraser", registry=_registry())
    phraser.bind(small_inputs.catalog)
    stats = GenerationStats()
    explicit = phrase_and_validate(some_drafts["explicit"], phraser, small_inputs.catalog, small_config, stats)
    assert len(explicit) == 25 and stats.rejected[("movie", "explicit", "missing_condition")] == 25
    one_try = type(small_config)(**{**small_config.__dict__, "max_attempts": 1})
    misinformed = phrase_and_validate(some_drafts["misinformed"], phraser, small_inputs.catalog, one_try, stats)
    assert misinformed == [] and stats.dropped[("movie", "misinformed")] == 25
    assert stats.rejected[("movie", "misinformed", "missing_stated_entity")] == 25
    phraser.close()


def test_unknown_phraser_backend_is_a_usage_error():
    from rbh.errors import UsageError

    with pytest.raises(UsageError, match="unknown model backend"):
        make_phraser("nope:model", registry=_registry())


def _example_responder(route: str, body: dict[str, Any]) -> Reply:
    """A fake LLM that phrases like the template (the prompt's example), quoted and with a
    leading 'Request:' the cleaner must not keep — except that the first attempt of every
    misinformed draft forgets the wrong fact, so the validators must re-ask."""
    prompt = body["messages"][-1]["content"]
    example = prompt.split("Example of a valid request: ", 1)[1].splitlines()[0]
    if "the user believes this" in prompt and "(Attempt 2" not in prompt:
        return Reply("Please recommend some good movies for tonight.")
    return Reply(f'"{example}"')


def test_llm_phraser_end_to_end_against_a_local_server(tmp_path: Path) -> None:
    """`rbh generate --phraser openai:MODEL` against a real HTTP server: every query passes the
    validators, rejects are re-asked and counted in the card, and a re-run sends nothing."""
    from tests.conftest import run_cli

    with LLMServer(responder=_example_responder) as server:
        env = {"RBH_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": "sk-local"}
        args = ["generate", "--domain", "movie", "--limit-users", "40", "--no-progress", "--phraser", "openai:phraser-test"]
        args += ["--model-args", f"base_url={server.url}"]
        first = run_cli(*args, "--out", str(tmp_path / "a"), env=env)
        assert first.code == 0, first.err
        sent = len(server.log)
        assert sent > 0 and not server.duplicates()
        second = run_cli(*args, "--out", str(tmp_path / "b"), env=env)
        assert second.code == 0, second.err
        assert len(server.log) == sent, "the re-run is answered from the response cache"
    import pyarrow.parquet as pq

    card = (tmp_path / "a" / "README.md").read_text()
    assert "missing_stated_entity" in card  # the forgetful first attempts were counted
    for subtype in ("explicit", "implicit", "misinformed"):
        rows = pq.read_table(tmp_path / "a" / f"movie_{subtype}" / "test.parquet").to_pylist()
        assert rows, subtype
        assert all(not r["query"].startswith('"') for r in rows)
        if subtype == "misinformed":
            assert all(m["stated_entity"] in r["query"] for r in rows for m in r["misinformation"])
    assert (tmp_path / "a" / "movie_explicit" / "test.parquet").read_bytes() == (
        tmp_path / "b" / "movie_explicit" / "test.parquet"
    ).read_bytes()
