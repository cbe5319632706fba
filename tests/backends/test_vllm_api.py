"""The `vllm` backend against the real vLLM API surface, recorded from the vLLM wheel in
tests/fixtures/vllm-api (scripts/vllm_api_fixture.py): every argument rbh sends exists there, the
attributes rbh reads exist there, and the stand-in used by the other tests accepts and refuses
what the real one does."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES

API_FILE = FIXTURES / "vllm-api" / "vllm-0.33.0.json"
STANDIN = FIXTURES / "vllm-standin"


@pytest.fixture(scope="module")
def api() -> dict[str, Any]:
    return json.loads(API_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(STANDIN))
    monkeypatch.delitem(sys.modules, "vllm", raising=False)
    import vllm

    yield vllm
    sys.modules.pop("vllm", None)


def test_fixture_records_a_real_release(api: dict[str, Any]) -> None:
    assert api["vllm_version"] == "0.33.0" and api["source"].startswith("vllm-0.33.0-")
    assert api["LLM.__init__"]["params"][0] == "model" and api["LLM.__init__"]["var_kwargs"] is True
    assert api["LLM.chat"]["params"][:3] == ["messages", "sampling_params", "use_tqdm"]
    refusal = api["refusals"]["LLM.__init__.data_parallel_size"]
    assert refusal["condition"].startswith("_dp_size > 1") and refusal["exempt_values"] == ["external_launcher"]
    assert "is_moe_model is False" in api["refusals"]["ParallelConfig.offline_dp_dense"]["condition"]
    assert set(api["data_parallel_env"]) >= {
        "VLLM_DP_RANK",
        "VLLM_DP_RANK_LOCAL",
        "VLLM_DP_SIZE",
        "VLLM_DP_MASTER_IP",
        "VLLM_DP_MASTER_PORT",
    }


def test_every_argument_rbh_sends_exists_in_vllm(api: dict[str, Any]) -> None:
    from rbh_vllm.data_parallel import DP_ENV
    from rbh_vllm.params import CHAT_KWARGS, ENGINE_ARGS, RBH_ARGS, SAMPLING_FIELDS, engine_kwargs, sampling_kwargs

    engine = set(api["LLM.__init__"]["params"]) | set(api["EngineArgs"])
    assert sorted(ENGINE_ARGS - engine) == []
    assert sorted(SAMPLING_FIELDS - set(api["SamplingParams"])) == []
    assert sorted(CHAT_KWARGS - set(api["LLM.chat"]["params"])) == []
    assert set(DP_ENV) <= set(api["data_parallel_env"])
    everything = dict.fromkeys(ENGINE_ARGS | RBH_ARGS, 2)
    sent = engine_kwargs("m", everything)
    assert set(sent) - {"model"} == ENGINE_ARGS  # rbh's own args (data parallel, chunking) never reach LLM(...)
    assert set(sampling_kwargs(dict.fromkeys(SAMPLING_FIELDS, 1))) <= set(api["SamplingParams"])


def test_attributes_rbh_reads_exist_in_vllm(api: dict[str, Any]) -> None:
    import ast
    import inspect

    from rbh_vllm import engine

    read: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(engine.completion_from_output))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("output", "best"):
            read.add(f"{node.value.id}.{node.attr}")
    assert read == {"output.outputs", "output.prompt_token_ids", "best.text", "best.finish_reason", "best.token_ids"}
    assert {"outputs", "prompt_token_ids"} <= set(api["RequestOutput"])
    assert {"text", "finish_reason", "token_ids"} <= set(api["CompletionOutput"])


def test_standin_accepts_and_refuses_what_vllm_does(standin: Any, api: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    assert standin.__version__ == api["vllm_version"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'tensor_paralel_size'"):
        standin.LLM(model="m", tensor_paralel_size=2)
    with pytest.raises(ValueError, match=r"LLM\(data_parallel_size=2\) is not supported for single-process usage"):
        standin.LLM(model="m", data_parallel_size=2)
    standin.LLM(model="m", data_parallel_size=2, distributed_executor_backend="external_launcher")
    monkeypatch.setenv("VLLM_DP_SIZE", "2")
    with pytest.raises(ValueError, match="not supported/useful for dense models"):
        standin.LLM(model="m")
    standin.LLM(model="org/tiny-moe")
    monkeypatch.delenv("VLLM_DP_SIZE")
    llm = standin.LLM(model="m", max_model_len=128, download_dir="/tmp")
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        standin.SamplingParams(max_tokens=4, bogus=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'chat_template_kwarg'"):
        llm.chat([[{"role": "user", "content": "q"}]], chat_template_kwarg={})
    [out] = llm.chat([[{"role": "user", "content": "Director 2"}]], sampling_params=[standin.SamplingParams(max_tokens=8)], use_tqdm=False)
    assert out.outputs[0].text.splitlines()[0] == "1. Title Number 2"
    # the stand-in's objects carry only attributes the real ones have
    assert set(vars(out)) <= set(api["RequestOutput"])
    assert set(vars(out.outputs[0])) <= set(api["CompletionOutput"])


def test_refresh_script_rejects_a_missing_wheel(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import REPO

    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "vllm_api_fixture.py"), str(tmp_path / "nope.whl")], capture_output=True, text=True
    )
    assert proc.returncode == 2 and proc.stderr.strip() == f"error: no such wheel: {tmp_path / 'nope.whl'}"
