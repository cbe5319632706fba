"""The API backends against the fake servers: request shape, reasoning split, usage, timeouts,
malformed JSON and non-retryable errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rbh.models.base import ChatRequest
from tests.backends.conftest import SECRET
from tests.servers.llm_server import Faults, Reply

MESSAGES = ({"role": "system", "content": "You recommend films."}, {"role": "user", "content": "Films by Director 1?"})


def _req(gen: dict[str, Any] | None = None, key: str = "k") -> ChatRequest:
    return ChatRequest(key=key, messages=MESSAGES, gen=gen or {"max_tokens": 64, "temperature": 0})


def _openai(server: Any, **args: Any) -> Any:
    from rbh_openai.model import OpenAIChatModel

    return OpenAIChatModel("fake-gpt", base_url=f"{server.url}/v1", api_key=SECRET, retry_base_delay=0.01, **args)


@pytest.mark.parametrize("transport", ["direct", "aiohttp", "httpx"])
@pytest.mark.parametrize("style", ["field", "think_tags"])
def test_openai_reasoning_goes_apart(llm_server: Any, style: str, transport: str) -> None:
    bodies: list[dict[str, Any]] = []

    def responder(route: str, body: dict[str, Any]) -> Reply:
        bodies.append(body)
        return Reply("Heat [SEP] Ronin", reasoning="The user wants Michael Mann films. Heat (1995) fits.")

    server = llm_server(responder=responder, reasoning_style=style, api_key=SECRET)
    model = _openai(server, http_client=transport)
    assert model.transport == transport
    [(i, c)] = list(model.generate([_req({"max_tokens": 64, "temperature": 0, "top_k": 5})]))
    assert c.text == "Heat [SEP] Ronin" and c.reasoning == "The user wants Michael Mann films. Heat (1995) fits."
    assert c.usage.prompt_tokens > 0 and c.finish_reason == "stop"
    assert (c.usage.completion_tokens, c.usage.reasoning_tokens) == (12, 9), "reasoning tokens are part of the output, counted apart"
    assert bodies[0]["messages"] == [dict(m) for m in MESSAGES]
    assert bodies[0]["max_tokens"] == 64 and bodies[0]["top_k"] == 5  # extra args reach the server as body fields


def test_completion_from_response_body() -> None:
    from rbh_openai.model import completion_from_response

    body = {"choices": [{"message": {"content": "A [SEP] B", "reasoning": "thought"}, "finish_reason": "length"}]}
    c = completion_from_response(body)
    assert (c.text, c.reasoning, c.finish_reason, c.usage.prompt_tokens) == ("A [SEP] B", "thought", "length", 0)
    for broken in ({}, {"choices": []}, {"choices": [{"text": "x"}]}, {"error": {"message": "overloaded"}}, []):
        with pytest.raises(ValueError, match="no choices"):
            completion_from_response(broken)  # type: ignore[arg-type]


def test_missing_sdk_is_one_line() -> None:
    from rbh.errors import UsageError
    from rbh.models.api_model import import_sdk

    with pytest.raises(UsageError, match="'no_such_sdk' package is not installed.*pip install no_such_sdk"):
        import_sdk("openai", "no_such_sdk")


def test_openai_max_completion_tokens_param() -> None:
    from rbh_openai.model import OpenAIChatModel

    model = OpenAIChatModel("o3", api_key=SECRET, max_tokens_param="max_completion_tokens")
    assert model.request_params(_req())["max_completion_tokens"] == 64


def test_timeout_and_malformed_json_are_retried(llm_server: Any) -> None:
    server = llm_server(faults=Faults(slow=1.0, slow_s=2.0), api_key=SECRET)
    [(_, c)] = list(_openai(server, timeout=0.3, max_retries=1).generate([_req()]))
    assert c.error is not None and "timed out" in c.error and "2 attempts" in c.error

    server = llm_server(faults=Faults(malformed=1.0), api_key=SECRET)
    [(_, c)] = list(_openai(server, max_retries=2).generate([_req()]))
    assert c.error is not None and "malformed response" in c.error and "3 attempts" in c.error
    assert len(server.log) == 3


def test_client_error_is_not_retried(llm_server: Any) -> None:
    server = llm_server(api_key=SECRET)
    from rbh_openai.model import OpenAIChatModel

    model = OpenAIChatModel("fake", base_url=f"{server.url}/v1/nowhere", api_key=SECRET)
    from rbh.models.failures import FatalBackendError

    with pytest.raises(FatalBackendError, match="not found"):
        list(model.generate([_req()]))


def test_anthropic_system_mapping_and_thinking(llm_server: Any) -> None:
    from rbh_anthropic.model import AnthropicModel

    bodies: list[dict[str, Any]] = []

    def responder(route: str, body: dict[str, Any]) -> Reply:
        bodies.append(body)
        return Reply("Heat [SEP] Collateral", reasoning="Mann directed both.")

    server = llm_server(responder=responder, api_key=SECRET)
    model = AnthropicModel("claude-x", base_url=server.url, api_key=SECRET)
    [(_, c)] = list(model.generate([_req({"max_tokens": 2000, "thinking_budget": 1024, "temperature": 0, "stop": "###"})]))
    body = bodies[0]
    assert body["system"] == "You recommend films."
    assert body["messages"] == [{"role": "user", "content": "Films by Director 1?"}]
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 1024} and "temperature" not in body
    assert body["stop_sequences"] == ["###"] and body["max_tokens"] == 2000 + 1024, (
        "the thinking budget comes on top of the answer's tokens"
    )
    assert (c.text, c.reasoning, c.finish_reason) == ("Heat [SEP] Collateral", "Mann directed both.", "end_turn")
    assert c.usage.prompt_tokens > 0 and c.usage.completion_tokens == 3


def test_anthropic_merges_consecutive_turns() -> None:
    from rbh_anthropic.messages import split_system

    system, turns = split_system([{"role": "system", "content": "a"}, {"role": "user", "content": "b"}, {"role": "user", "content": "c"}])
    assert system == "a" and turns == [{"role": "user", "content": "b\n\nc"}]


def test_concurrency_flag_reaches_the_backend(llm_server: Any, tmp_path: Any, monkeypatch: Any) -> None:
    from tests.backends.conftest import rbh_main
    from tests.conftest import make_dataset, only_run_dir

    server = llm_server(latency=0.02, api_key=SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=4)
    code, _, err = rbh_main(
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-cache",
        "--no-progress",
        "--output",
        str(tmp_path / "out"),
        "--model",
        "openai:fake",
        "--concurrency",
        "2",
        "--model-args",
        f"base_url={server.url}/v1",
    )
    assert code == 0, err
    results = json.loads((only_run_dir(tmp_path / "out") / "results.json").read_text())
    assert results["model"]["args"]["concurrency"] == 2


def test_direct_transport_reads_error_bodies_and_classifies_like_the_sdk(llm_server: Any) -> None:
    """The SDK-free transport: no `openai` import for a custom server, the error message from any
    usual error body, and statuses classified as the SDK path classifies them."""
    import sys

    from rbh_openai.direct import HttpStatusError, classify_direct, error_detail

    assert error_detail(b'{"error": {"message": "model not found"}}') == "model not found"
    assert error_detail(b'{"message": "overloaded"}') == "overloaded"
    assert error_detail(b'{"error": "bad request"}') == "bad request"
    assert error_detail(b"<html>502 Bad Gateway</html>") == "<html>502 Bad Gateway</html>"
    limited = classify_direct("openai", HttpStatusError(429, {"retry-after": "2"}, "slow down"))
    assert limited.rate_limited and limited.retry_after == 2.0
    assert classify_direct("openai", HttpStatusError(401, {}, "no")).fatal
    assert classify_direct("openai", ConnectionRefusedError(111, "refused")).unreachable
    assert not classify_direct("openai", ValueError("Expecting value")).fatal, "a malformed body is retried"

    server = llm_server(api_key=SECRET)
    model = _openai(server)
    assert model.transport == "direct" and model.sdk_imports() == ()
    [(_, c)] = list(model.generate([_req({"max_tokens": 8})]))
    assert c.text and c.error is None
    assert _openai(server, http_client="aiohttp").sdk_imports() == ("openai",) and "openai" in sys.modules


def test_an_answer_cut_off_while_thinking_is_empty_and_marked() -> None:
    """An unclosed <think> (the token limit hit inside the reasoning): no answer is scored, and the
    finish reason says why (`reasoning_cut`), on every backend that reads <think> tags."""
    from types import SimpleNamespace

    from rbh import REASONING_CUT
    from rbh_openai.model import completion_from_response
    from rbh_vllm.engine import completion_from_output

    body = {
        "choices": [{"message": {"content": "Heat? <think>They want Mann films, so maybe Heat or"}, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 64, "completion_tokens_details": {"reasoning_tokens": 60}},
    }
    c = completion_from_response(body)
    assert (c.text, c.finish_reason, c.reasoning) == ("", REASONING_CUT, "They want Mann films, so maybe Heat or")
    assert (c.usage.completion_tokens, c.usage.reasoning_tokens) == (64, 60)
    closed = completion_from_response({"choices": [{"message": {"content": "<think>ok</think>Heat"}, "finish_reason": "stop"}]})
    assert (closed.text, closed.finish_reason) == ("Heat", "stop")
    best = SimpleNamespace(text="<think>hmm, maybe", finish_reason="length", token_ids=[1, 2])
    cut = completion_from_output(SimpleNamespace(outputs=[best], prompt_token_ids=[1]))
    assert (cut.text, cut.finish_reason) == ("", REASONING_CUT)
    assert c.to_dict()["usage"]["reasoning_tokens"] == 60 and type(c).from_dict(c.to_dict()).usage.reasoning_tokens == 60


def test_a_run_counts_reasoning_tokens_apart(tmp_path: Any, llm_server: Any) -> None:
    import json

    from tests.backends.conftest import rbh_main
    from tests.conftest import make_dataset

    server = llm_server(responder=lambda route, body: Reply("Title Number 1", reasoning="one two three four"), api_key=SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=5)
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-cache", "--no-progress", "--output", str(tmp_path / "out"),
        "--run-name", "r", "--model", "openai:fake", "--model-args", f"base_url={server.url}/v1,api_key={SECRET}",
    )  # fmt: skip
    assert code == 0, err
    tokens = json.loads((tmp_path / "out" / "r" / "results.json").read_text())["tasks"]["movie_explicit"]["tokens"]
    assert (tokens["completion"], tokens["reasoning"]) == (5 * 7, 5 * 4)
