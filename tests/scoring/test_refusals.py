"""Refusals are an outcome: told apart from wrong answers, counted per task (`refusal_rate`),
listed in results.json, and — with `refusals: exclude` — left out of the relevance means."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rbh.scoring.refusals import refusal_kind
from tests.backends.conftest import rbh_main
from tests.conftest import REPO, make_dataset
from tests.servers.llm_server import Reply

DECLINES = [
    "I'm sorry, but I can't help with that request.",
    "I cannot recommend movies based on personal data.",
    "Sorry, I am unable to provide recommendations for this.",
    "As an AI language model, I can't share personal recommendations.",
    "Unfortunately I won't be able to help with that.",
]
ANSWERS = [
    "Heat [SEP] Ronin",
    "I can't wait for you to see these: Heat [SEP] Ronin",
    "Here you go. I cannot stress enough how good Heat is.",
    "",
]


@pytest.mark.parametrize("text", DECLINES)
def test_declining_text_that_recommends_nothing_is_a_refusal(text: str) -> None:
    assert refusal_kind(text, "stop", [None]) == "text"
    assert refusal_kind(text, "stop", ["movie-001"]) is None, "it recommended something the catalog knows"


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_and_empty_replies_are_not_refusals(text: str) -> None:
    assert refusal_kind(text, "stop", [None]) is None


def test_the_api_s_own_flag_is_a_refusal() -> None:
    assert refusal_kind("", "content_filter", []) == "finish_reason"
    assert refusal_kind("partial", "refusal", ["movie-001"]) == "finish_reason"


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_refusals_are_counted_listed_and_optionally_left_out(tmp_path: Path, llm_server: Any, backend: str) -> None:
    from rbh.data import load_dataset

    dataset = make_dataset(tmp_path / "ds", n_samples=10)
    ds = load_dataset(str(dataset))
    samples = ds.samples("movie_explicit", "test")
    catalog = ds.catalog("movie")
    flagged = "content_filter" if backend == "openai" else "refusal"

    def responder(route: str, body: dict[str, Any]) -> Reply:
        text = json.dumps(body.get("messages"))
        n = next(i for i, s in enumerate(samples) if s.query in text)
        if n in (1, 4):
            return Reply("I'm sorry, but I can't help with that request.")
        if n == 7:
            return Reply("", finish_reason=flagged)
        return Reply(" [SEP] ".join(catalog[g].title for g in samples[n].ground_truth))

    server = llm_server(responder=responder)
    base_url = f"{server.url}/v1" if backend == "openai" else server.url
    excluding = tmp_path / "movie_explicit_excl.yaml"
    excluding.write_text(
        f"include: {REPO / 'tasks' / 'recbench' / 'movie' / 'movie_explicit.yaml'}\ntask: movie_explicit_excl\nrefusals: exclude\n"
    )
    code, out, err = rbh_main(
        "run", "--tasks", f"movie_explicit,{excluding}", "--dataset", str(dataset), "--no-cache", "--no-progress",
        "--output", str(tmp_path / "out"), "--run-name", "r", "--model", f"{backend}:fake", "--model-args", f"base_url={base_url},api_key=sk-x",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads((tmp_path / "out" / "r" / "results.json").read_text())
    included, excluded = results["tasks"]["movie_explicit"], results["tasks"]["movie_explicit_excl"]
    ids = [s.id for s in samples]
    for task in (included, excluded):
        assert task["metrics"]["refusal_rate"] == {"value": 0.3, "stderr": task["metrics"]["refusal_rate"]["stderr"], "n": 10}
        assert task["refusals"] == [{"id": ids[1], "kind": "text"}, {"id": ids[4], "kind": "text"}, {"id": ids[7], "kind": "finish_reason"}]
        assert task["errors"] == [], "a refusal is not an error"
    assert (included["metrics"]["recall"]["value"], included["metrics"]["recall"]["n"]) == (0.7, 10), (
        "default: a refusal counts as an empty answer"
    )
    assert (excluded["metrics"]["recall"]["value"], excluded["metrics"]["recall"]["n"]) == (1.0, 7), "exclude: out of the relevance means"
    assert "refusal_rate" in out
    rows = [json.loads(line) for line in (tmp_path / "out" / "r" / "samples" / "movie_explicit.jsonl").read_text().splitlines()]
    assert [r["details"].get("refused") for r in rows].count("text") == 2
    from rbh.results import read_results
    from rbh.view.data import run_tables

    tables = run_tables(read_results(tmp_path / "out" / "r" / "results.json"))["tasks"]["movie_explicit"]
    assert tables["refusals"] == 3 and tables["errors"] == 0, "the report counts refusals apart from errors"
