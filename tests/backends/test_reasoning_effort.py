"""`reasoning_effort`: one model argument, mapped onto each provider's setting; parameters a
reasoning model rejects are dropped with one warning line; the effort is part of the cache key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rbh import ChatRequest, UsageError
from tests.backends.conftest import SECRET
from tests.backends.test_vllm import standin  # noqa: F401 — the vLLM stand-in fixture
from tests.servers.llm_server import Reply

MESSAGES = ({"role": "system", "content": "You recommend films."}, {"role": "user", "content": "Films by Director 1?"})


def _req(gen: dict[str, Any]) -> ChatRequest:
    return ChatRequest(key="k", messages=MESSAGES, gen=gen)


def test_openai_sends_reasoning_effort_and_drops_temperature_once(llm_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from rbh_openai.model import OpenAIChatModel

    bodies: list[dict[str, Any]] = []
    server = llm_server(responder=lambda route, body: bodies.append(body) or Reply("Heat"), api_key=SECRET)
    model = OpenAIChatModel("o-mini", base_url=f"{server.url}/v1", api_key=SECRET, reasoning_effort="max", retry_base_delay=0.01)
    gen = {"max_tokens": 512, "temperature": 0, "top_p": 1.0}
    list(model.generate([_req(gen), ChatRequest(key="k2", messages=MESSAGES, gen=gen)]))
    assert len(bodies) == 2
    for body in bodies:
        assert body["reasoning_effort"] == "high", "max is OpenAI's highest effort"
        assert "temperature" not in body and "top_p" not in body
        assert body["max_completion_tokens"] == 512 and "max_tokens" not in body, "reasoning models take max_completion_tokens"
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: openai: dropped temperature=0 (reasoning models reject it)",
        "warning: openai: dropped top_p=1.0 (reasoning models reject it)",
    ], "one line per parameter, not per request"
    plain = OpenAIChatModel("gpt-x", base_url=f"{server.url}/v1", api_key=SECRET).request_params(_req(gen))
    assert plain["temperature"] == 0 and "reasoning_effort" not in plain and plain["max_tokens"] == 512
    assert (
        OpenAIChatModel("o-mini", base_url="http://x/v1", api_key="k", reasoning_effort="none").request_params(_req({}))["reasoning_effort"]
        == "minimal"
    )


def test_anthropic_turns_effort_into_a_thinking_budget(capsys: pytest.CaptureFixture[str]) -> None:
    from rbh_anthropic.model import AnthropicModel

    model = AnthropicModel("claude-x", base_url="http://127.0.0.1:9", api_key=SECRET, reasoning_effort="medium")
    params = model.request_params(_req({"max_tokens": 2000, "temperature": 0}))
    assert params["thinking"] == {"type": "enabled", "budget_tokens": 4096} and params["max_tokens"] == 2000 + 4096
    assert "temperature" not in params
    assert "warning: anthropic: dropped temperature=0 (extended thinking requires the default)" in capsys.readouterr().err
    off = AnthropicModel("claude-x", base_url="http://127.0.0.1:9", api_key=SECRET, reasoning_effort="none")
    assert "thinking" not in off.request_params(_req({"max_tokens": 100, "temperature": 0}))


def test_vllm_maps_effort_onto_the_chat_template(standin: Path) -> None:  # noqa: F811 — the fixture
    from rbh_vllm.model import VLLMModel

    assert VLLMModel("Qwen/Qwen3-4B", reasoning_effort="none").chat_template_kwargs == {"enable_thinking": False}
    assert VLLMModel("Qwen/Qwen3-4B", reasoning_effort="high").chat_template_kwargs == {"enable_thinking": True}
    explicit = VLLMModel("Qwen/Qwen3-4B", reasoning_effort="high", chat_template_kwargs={"enable_thinking": False})
    assert explicit.chat_template_kwargs == {"enable_thinking": False}, "an explicit template argument wins"


def test_a_requests_own_effort_wins_over_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    """An effort sweep sets `reasoning_effort` in each task's generation arguments: every backend
    maps it per request, as it maps the model argument."""
    from rbh_anthropic.model import AnthropicModel
    from rbh_openai.model import OpenAIChatModel

    plain = OpenAIChatModel("gpt-x", base_url="http://x/v1", api_key="k")
    high = plain.request_params(_req({"max_tokens": 64, "temperature": 0, "reasoning_effort": "max"}))
    assert high["reasoning_effort"] == "high" and "temperature" not in high and high["max_completion_tokens"] == 64
    none = OpenAIChatModel("o", base_url="http://x/v1", api_key="k", reasoning_effort="high").request_params(
        _req({"reasoning_effort": "none"})
    )
    assert none["reasoning_effort"] == "minimal"
    assert plain.request_params(_req({"reasoning_effort": "minimal"}))["reasoning_effort"] == "minimal", "OpenAI's own word passes"
    with pytest.raises(UsageError, match="got 'extreme'"):
        plain.request_params(_req({"reasoning_effort": "extreme"}))
    claude = AnthropicModel("c", base_url="http://127.0.0.1:9", api_key=SECRET)
    assert claude.request_params(_req({"max_tokens": 100, "reasoning_effort": "low"}))["thinking"]["budget_tokens"] == 1024
    assert "reasoning_effort" not in claude.request_params(_req({"max_tokens": 100, "reasoning_effort": "none"}))
    capsys.readouterr()


def test_vllm_sends_each_effort_with_its_own_template(standin: Path) -> None:  # noqa: F811 — the fixture
    import json

    from rbh_vllm.model import VLLMModel

    model = VLLMModel("Qwen/Qwen3-4B", chat_template_kwargs={"foo": 1})
    requests = [
        ChatRequest(key=str(i), messages=MESSAGES, gen={"max_tokens": 16, **({"reasoning_effort": e} if e else {})})
        for i, e in enumerate(["none", "high", None, "high"])
    ]
    assert sorted(i for i, _ in model.generate(requests)) == [0, 1, 2, 3]
    templates = sorted(json.dumps(json.loads(line)["template"], sort_keys=True) for line in standin.read_text().splitlines())
    assert templates == sorted(
        ['{"enable_thinking": false, "foo": 1}', '{"enable_thinking": true, "foo": 1}', '{"enable_thinking": true, "foo": 1}', '{"foo": 1}']
    )


def test_a_bad_effort_is_one_clear_line_and_the_effort_keys_the_cache() -> None:
    from rbh.completion.service import model_identity
    from rbh_anthropic.model import AnthropicModel
    from rbh_openai.model import OpenAIChatModel

    with pytest.raises(UsageError, match="reasoning_effort must be one of none, low, medium, high, max, got 'extreme'"):
        OpenAIChatModel("o", base_url="http://x/v1", api_key="k", reasoning_effort="extreme")
    low = model_identity(AnthropicModel("c", base_url="http://x", api_key="k", reasoning_effort="low"))
    high = model_identity(AnthropicModel("c", base_url="http://x", api_key="k", reasoning_effort="high"))
    assert low != high
