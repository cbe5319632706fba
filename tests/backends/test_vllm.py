"""The `vllm` backend without a GPU: engine and sampling arguments, request building, output
conversion and the missing-vLLM message. A fake `vllm` module (only for the argument plumbing
test) records what the backend hands to `LLM(...)` and `LLM.chat(...)`; no GPU run happens here."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from rbh.models.base import ChatRequest
from tests.backends.conftest import rbh_main
from tests.conftest import make_dataset


class _Out:
    def __init__(self, text: str, finish: str, n_tokens: int):
        self.text, self.finish_reason, self.token_ids = text, finish, list(range(n_tokens))


class _RequestOutput:
    def __init__(self, prompt_len: int, out: _Out):
        self.prompt_token_ids, self.outputs = list(range(prompt_len)), [out]


@pytest.fixture
def fake_vllm(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    class SamplingParams:
        def __init__(self, **kwargs: Any):
            self.kwargs = kwargs

    class LLM:
        def __init__(self, **kwargs: Any):
            calls["engine"] = kwargs

        def chat(
            self, messages: list[list[dict[str, str]]], sampling_params: Any = None, use_tqdm: bool = True, **kw: Any
        ) -> list[_RequestOutput]:
            calls.setdefault("chat", []).append({"messages": messages, "params": sampling_params, "use_tqdm": use_tqdm, **kw})
            return [_RequestOutput(7, _Out(f"<think>hmm {i}</think>Title {i} [SEP] Other", "stop", 5)) for i in range(len(messages))]

    module = types.ModuleType("vllm")
    module.LLM, module.SamplingParams = LLM, SamplingParams  # type: ignore[attr-defined]
    module.__spec__ = types.SimpleNamespace(name="vllm", submodule_search_locations=None)  # type: ignore[assignment]
    monkeypatch.setitem(sys.modules, "vllm", module)
    return calls


def test_whole_request_list_in_one_chat_call(fake_vllm: dict[str, Any]) -> None:
    from rbh_vllm.model import VLLMModel

    model = VLLMModel(
        "Qwen/Qwen2.5-3B-Instruct",
        tensor_parallel_size=2,
        data_parallel_size=2,
        gpu_memory_utilization=0.8,
        max_model_len=4096,
        chat_template_kwargs={"enable_thinking": False},
    )
    requests = [
        ChatRequest(
            key=str(i),
            messages=({"role": "system", "content": "S"}, {"role": "user", "content": f"q{i}"}),
            gen={"max_tokens": 64, "temperature": 0, "stop": "\n\n"},
        )
        for i in range(5)
    ]
    out = dict(model.generate(requests))
    assert fake_vllm["engine"] == {
        "model": "Qwen/Qwen2.5-3B-Instruct",
        "tensor_parallel_size": 2,
        "data_parallel_size": 2,
        "gpu_memory_utilization": 0.8,
        "max_model_len": 4096,
        "dtype": "auto",
        "trust_remote_code": False,
        "seed": 0,
        "enforce_eager": False,
    }
    [call] = fake_vllm["chat"]  # one call with every request: vLLM batches continuously
    assert call["messages"][3] == [{"role": "system", "content": "S"}, {"role": "user", "content": "q3"}]
    assert call["use_tqdm"] is False and call["chat_template_kwargs"] == {"enable_thinking": False}
    assert [p.kwargs for p in call["params"]][0] == {"temperature": 0.0, "max_tokens": 64, "stop": ["\n\n"]}
    assert out[2].text == "Title 2 [SEP] Other" and out[2].reasoning == "hmm 2"
    assert (out[2].usage.prompt_tokens, out[2].usage.completion_tokens, out[2].finish_reason) == (7, 5, "stop")


def test_sampling_defaults_are_greedy() -> None:
    from rbh_vllm.params import sampling_kwargs

    assert sampling_kwargs({}) == {"temperature": 0.0, "max_tokens": 512}
    assert sampling_kwargs({"temperature": 0.7, "top_p": 0.9, "seed": 1})["top_p"] == 0.9
    with pytest.raises(ValueError, match="unsupported generation argument 'beam'"):
        sampling_kwargs({"beam": 4})


def test_aliases_and_unknown_args(fake_vllm: dict[str, Any]) -> None:
    from rbh.errors import UsageError
    from rbh_vllm.model import VLLMModel

    assert VLLMModel.aliases["qwen"] == "Qwen/Qwen2.5-3B-Instruct"
    with pytest.raises(UsageError, match="unknown model arg"):
        VLLMModel("m", tensor_paralel_size=2)


def test_missing_vllm_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "vllm" else real(name, *a))
    dataset = make_dataset(tmp_path / "ds", n_samples=2)
    code, out, err = rbh_main(
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-cache",
        "--output",
        str(tmp_path / "out"),
        "--model",
        "vllm:qwen",
    )
    assert code == 2
    assert err.strip().splitlines() == [
        "error: vllm backend needs vLLM, which runs on a CUDA GPU machine: pip install 'recbench-harness[vllm]' there"
    ]


def test_list_models_shows_aliases() -> None:
    code, out, _ = rbh_main("list", "models")
    assert code == 0
    for name in ("openai", "anthropic", "hf", "vllm", "vllm:qwen", "hf:smollm2"):
        assert name in out.replace("\n", " ") or name in out
