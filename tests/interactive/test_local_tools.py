"""The catalog tool with local backends, whose models call tools in text: `<tool_call>` blocks
parsed into tool calls, tools handed to the chat template (transformers) or to `LLM.chat`
(the vLLM stand-in built from the real API), the tool round answered from the dataset."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from rbh import ChatRequest, ToolCall
from rbh.interactive import CATALOG_SEARCH, CatalogSearch, parse_tool_calls, template_messages, tool_messages
from rbh_kg.curated import load_curated
from tests.conftest import FIXTURES


def test_tool_call_blocks_are_parsed_out_of_the_text():
    text, calls = parse_tool_calls(
        'Let me look.\n<tool_call>\n{"name": "catalog_search", "arguments": {"person": "Hitchcock"}}\n</tool_call>'
    )
    assert text == "Let me look." and calls == (ToolCall("call_0", "catalog_search", {"person": "Hitchcock"}),)
    assert parse_tool_calls("<tool_call>{not json}</tool_call>") == ("<tool_call>{not json}</tool_call>", ())
    assert parse_tool_calls("Jaws [SEP] Heat") == ("Jaws [SEP] Heat", ())


def test_tool_rounds_in_the_chat_template_shape():
    messages = tool_messages("", [ToolCall("c1", "catalog_search", {"title": "Jaws"})], ['{"results": []}'])
    assert messages[0]["tool_calls"][0]["function"]["arguments"] == '{"title": "Jaws"}'  # the API shape: a JSON string
    shaped = template_messages(messages)
    assert shaped[0]["tool_calls"][0]["function"]["arguments"] == {"title": "Jaws"}  # a chat template's: an object
    assert shaped[1] == {"role": "tool", "tool_call_id": "c1", "content": '{"results": []}'}


def test_hf_hands_tools_to_the_chat_template_and_parses_calls(tmp_path):
    pytest.importorskip("transformers")
    from rbh.models.base import Completion
    from rbh_hf.model import HFModel, with_tool_calls
    from tests.backends.tiny_hf import build_tiny_model

    model = HFModel(str(build_tiny_model(tmp_path / "tiny")), dtype="float32")
    tokenizer = model.load()[0]
    tokenizer.chat_template = (
        "{% if tools %}<|tools|>{% for t in tools %}{{ t.function.name }};{% endfor %}<|end|>{% endif %}"
        "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}<|assistant|>"
    )
    messages = ({"role": "user", "content": "Find Jaws."},)
    assert model.prompt_text(messages, (CATALOG_SEARCH,)).startswith("<|tools|>catalog_search;<|end|>")
    assert "tools" not in model.prompt_text(messages)
    answered = with_tool_calls(Completion(text='<tool_call>{"name": "catalog_search", "arguments": {"title": "Jaws"}}</tool_call>'))
    assert answered.text == "" and answered.tool_calls[0].arguments == {"title": "Jaws"}
    (index, completion), *_ = model.generate([ChatRequest(key="k", messages=messages, gen={"max_tokens": 3}, tools=(CATALOG_SEARCH,))])
    assert index == 0 and completion.error is None  # a random tiny model: it generates, whatever it says


def test_vllm_passes_tools_to_llm_chat_and_answers_the_round(tmp_path, monkeypatch):
    standin = FIXTURES / "vllm-standin"
    monkeypatch.syspath_prepend(str(standin))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(standin), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.delitem(sys.modules, "vllm", raising=False)
    try:
        from rbh_vllm.model import VLLMModel

        model = VLLMModel("fake/model")
        catalog, kg = load_curated("movie")
        search = CatalogSearch(catalog, kg)
        first = ({"role": "user", "content": "Find Jaws."},)
        plain = ChatRequest(key="p", messages=({"role": "user", "content": "Director 1, request 1"},), gen={"max_tokens": 16})
        asking = ChatRequest(key="t", messages=first, gen={"max_tokens": 16}, tools=(CATALOG_SEARCH,))
        answers = dict(model.generate([plain, asking]))
        assert not answers[0].tool_calls and "Title Number" in answers[0].text, "requests without tools go in their own call"
        (call,) = answers[1].tool_calls
        assert call.name == "catalog_search" and call.arguments == {"title": "Jaws"} and answers[1].text == ""
        round_two = (*first, *tool_messages("", [call], [search.answer(call)]))
        (index, final), *_ = model.generate([ChatRequest(key="t2", messages=round_two, gen={"max_tokens": 16}, tools=(CATALOG_SEARCH,))])
        found = json.loads(search.answer(call))["results"]
        assert found and final.text.startswith(f"{found[0]['title']} ({found[0]['year']})") and not final.tool_calls
    finally:
        sys.modules.pop("vllm", None)


def test_catalog_search_filters(tmp_path: Path):
    catalog, kg = load_curated("movie")
    search = CatalogSearch(catalog, kg)
    hitchcock = search.search({"person": "Alfred Hitchcock", "year_from": 1958, "year_to": 1960})
    assert hitchcock and all(1958 <= r["year"] <= 1960 and "Alfred Hitchcock" in r["directed_by"] for r in hitchcock)
    assert [r["title"] for r in search.search({"title": "godfather", "limit": 2})] == ["The Godfather", "The Godfather Part II"]
    assert len(search.search({"genre": "comedy", "limit": 500})) == 20, "at most 20 results"
    assert json.loads(search.answer(ToolCall("x", "web_search", {}))) == {"error": "unknown tool 'web_search'"}
