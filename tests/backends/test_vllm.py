"""The `vllm` backend without a GPU, against the stand-in vLLM package in
tests/fixtures/vllm-standin (built from the real API surface; see test_vllm_api.py): engine and
sampling arguments, chunked `LLM.chat` calls, output conversion, the missing-vLLM message, and
data parallel with real worker processes (split, merge, GPU assignment, a dying worker, and a
SIGKILL of `rbh run` followed by a resume)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rbh import ChatRequest
from tests.backends.conftest import cached_count, kill_once_cached, rbh_main, sample_rows
from tests.conftest import FIXTURES, REPO, make_dataset, only_run_dir, run_cli

STANDIN = FIXTURES / "vllm-standin"


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The stand-in `vllm` on sys.path and PYTHONPATH (spawned workers inherit it); yields its log file."""
    monkeypatch.syspath_prepend(str(STANDIN))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(STANDIN), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    for name in [k for k in os.environ if k.startswith(("VLLM_DP_", "VLLM_STANDIN_"))]:
        monkeypatch.delenv(name)
    log = tmp_path / "standin.log"
    monkeypatch.setenv("VLLM_STANDIN_LOG", str(log))
    monkeypatch.delitem(sys.modules, "vllm", raising=False)
    yield log
    sys.modules.pop("vllm", None)


def _log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _requests(n: int, max_tokens: int = 64) -> list[ChatRequest]:
    return [
        ChatRequest(
            key=str(i),
            messages=({"role": "system", "content": "S"}, {"role": "user", "content": f"Director {i % 5}, request {i}"}),
            gen={"max_tokens": max_tokens, "temperature": 0, "stop": "\n\n"},
        )
        for i in range(n)
    ]


def _expected_text(i: int) -> str:
    d = i % 5
    return f"1. Title Number {d}\n2. Title Number {d + 5}\n3. Title Number {d + 10}"


def test_only_user_set_engine_args_and_chunked_chat_calls(standin: Path) -> None:
    from rbh_vllm.model import VLLMModel

    model = VLLMModel(
        "Qwen/Qwen2.5-3B-Instruct",
        tensor_parallel_size=2,
        max_model_len=4096,
        chunk_size=2,
        chat_template_kwargs={"enable_thinking": False},
    )
    out = dict(model.generate(_requests(5)))
    # vLLM's own defaults (gpu_memory_utilization 0.92, dtype, seed, ...) are left to vLLM
    assert model.llm().engine_args == {"tensor_parallel_size": 2, "max_model_len": 4096}
    rows = _log(standin)
    assert [r["call"] for r in rows] == [1, 1, 2, 2, 3]  # 5 requests in chunks of 2
    assert {r["pid"] for r in rows} == {os.getpid()}
    assert sorted(out) == list(range(5)) and out[3].text == _expected_text(3)
    assert (out[3].usage.prompt_tokens, out[3].usage.completion_tokens, out[3].finish_reason) == (5, 12, "stop")


def test_think_tags_go_to_reasoning() -> None:
    from types import SimpleNamespace

    from rbh_vllm.engine import completion_from_output

    best = SimpleNamespace(text="<think>hmm</think>Title 2 [SEP] Other", finish_reason="length", token_ids=[1, 2])
    c = completion_from_output(SimpleNamespace(outputs=[best], prompt_token_ids=[1, 2, 3]))
    assert (c.text, c.reasoning, c.finish_reason, c.usage.prompt_tokens) == ("Title 2 [SEP] Other", "hmm", "length", 3)
    assert completion_from_output(SimpleNamespace(outputs=[], prompt_token_ids=None)).error == "vllm: no output for this request"


def test_sampling_defaults_are_greedy() -> None:
    from rbh_vllm.params import sampling_kwargs

    assert sampling_kwargs({}) == {"temperature": 0.0, "max_tokens": 512}
    assert sampling_kwargs({"temperature": 0.7, "top_p": 0.9, "seed": 1})["top_p"] == 0.9
    with pytest.raises(ValueError, match="unsupported generation argument 'beam'"):
        sampling_kwargs({"beam": 4})


def test_balanced_slices() -> None:
    from rbh_vllm.data_parallel import balanced_slices

    assert [len(s) for s in balanced_slices(10, 4)] == [3, 3, 2, 2]
    assert [list(s) for s in balanced_slices(3, 2)] == [[0, 1], [2]]
    assert [len(s) for s in balanced_slices(1, 3)] == [1, 0, 0]


def test_data_parallel_workers_split_stream_and_merge(standin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rbh_vllm.model import VLLMModel

    monkeypatch.setenv("VLLM_STANDIN_DELAY", "0.3")
    model = VLLMModel("org/dense-7b", data_parallel_size=2, tensor_parallel_size=2, chunk_size=1)
    arrivals: list[float] = []
    out: dict[int, Any] = {}
    for i, completion in model.generate(_requests(7)):
        assert i not in out
        out[i], _ = completion, arrivals.append(time.perf_counter())
    assert sorted(out) == list(range(7)) and all(out[i].text == _expected_text(i) and not out[i].error for i in out)
    assert arrivals[-1] - arrivals[0] > 0.6  # streamed chunk by chunk, not all at the end
    rows = _log(standin)
    pids = {r["pid"] for r in rows}
    assert len(pids) == 2 and os.getpid() not in pids  # two real worker processes
    by_gpus = {cuda: [r["prompt"] for r in rows if r["cuda"] == cuda] for cuda in {r["cuda"] for r in rows}}
    # rank 0 sees GPUs 0,1 and answers the first 4 requests; rank 1 sees GPUs 2,3 and the last 3
    assert sorted(by_gpus) == ["0,1", "2,3"]
    assert [p.split("request ")[1] for p in by_gpus["0,1"]] == ["0", "1", "2", "3"]
    assert [p.split("request ")[1] for p in by_gpus["2,3"]] == ["4", "5", "6"]
    assert not any(k.startswith("VLLM_DP_") for r in rows for k in r)  # dense replicas: vLLM refuses DP env for them


def test_stopping_early_ends_the_workers_at_once(standin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rbh_vllm.model import VLLMModel

    monkeypatch.setenv("VLLM_STANDIN_DELAY", "0.3")
    stream = VLLMModel("org/dense-7b", data_parallel_size=2, chunk_size=1).generate(_requests(20))
    next(stream)
    started = time.perf_counter()
    stream.close()  # e.g. Ctrl-C in the runner
    assert time.perf_counter() - started < 2
    pids = {r["pid"] for r in _log(standin)}
    deadline = time.time() + 5
    while any(_alive(pid) for pid in pids) and time.time() < deadline:
        time.sleep(0.05)
    assert pids and not any(_alive(pid) for pid in pids)


@pytest.mark.parametrize(("stage", "what"), [("chat", "died (exit code 17)"), ("init", "failed to start (exit code 17)")])
def test_a_dying_worker_is_one_line_and_failed_samples(
    standin: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, stage: str, what: str
) -> None:
    from rbh_vllm.model import VLLMModel

    monkeypatch.setenv("VLLM_STANDIN_CRASH_DEVICE", "1")
    monkeypatch.setenv("VLLM_STANDIN_CRASH_AT", stage)
    out = dict(VLLMModel("org/dense-7b", data_parallel_size=2, chunk_size=2).generate(_requests(6)))
    assert sorted(out) == list(range(6))
    assert [out[i].text for i in range(3)] == [_expected_text(i) for i in range(3)]
    assert {out[i].error for i in range(3, 6)} == {f"vllm: data-parallel rank 1 {what}"}
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"warning: vllm: data-parallel rank 1 {what}; its 3 unanswered request(s) are failed samples (re-run to retry them)"]


def test_coordinated_ranks_get_vllm_dp_environment(standin: Path) -> None:
    from rbh_vllm.model import VLLMModel

    model = VLLMModel("org/tiny-moe", data_parallel_size=3, enable_expert_parallel=True)
    out = dict(model.generate(_requests(2)))
    assert sorted(out) == [0, 1] and not any(c.error for c in out.values())
    rows = _log(standin)
    assert sorted((r["VLLM_DP_RANK"], r["VLLM_DP_RANK_LOCAL"], r["prompt"].split(",")[0]) for r in rows) == [
        ("0", "0", "Director 0"),
        ("1", "1", "Director 1"),
        ("2", "2", "Placeholder"),  # a rank without work still steps with the group
    ]
    assert {(r["VLLM_DP_SIZE"], r["VLLM_DP_MASTER_IP"], r["cuda"]) for r in rows} == {("3", "127.0.0.1", None)}
    assert len({r["VLLM_DP_MASTER_PORT"] for r in rows}) == 1


def test_second_node_answers_its_own_ranks(standin: Path) -> None:
    from rbh_vllm.model import VLLMModel

    out = dict(VLLMModel("org/dense-7b", data_parallel_size=4, node_size=2, node_rank=1).generate(_requests(8)))
    assert [out[i].error for i in range(4)] == ["vllm: answered by data-parallel node 0 (node_rank=0), not this one"] * 4
    assert [out[i].text for i in range(4, 8)] == [_expected_text(i) for i in range(4, 8)]
    assert sorted((r["cuda"], r["prompt"].split("request ")[1]) for r in _log(standin)) == [("0", "4"), ("0", "5"), ("1", "6"), ("1", "7")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("data_parallel_size=3,node_size=2", "vllm: data_parallel_size (3) must be a multiple of node_size (2)"),
        ("data_parallel_size=2,node_size=2,node_rank=2", "vllm: node_rank must be an integer in [0, 1], got 2"),
        ("data_parallel_size=0", "vllm: data_parallel_size must be an integer >= 1, got 0"),
        ("master_port=http", "vllm: master_port must be an integer in [1, 65535], got 'http'"),
        (
            "data_parallel_size=4,node_size=2,enable_expert_parallel=true",
            "vllm: data parallel across nodes with enable_expert_parallel needs master_addr and master_port (node 0's address)",
        ),
        ("chunk_size=0", "vllm: chunk_size must be an integer >= 1, got 0"),
        ("tensor_paralel_size=2", "vllm: unknown model arg(s) tensor_paralel_size (known: "),
    ],
)
def test_bad_model_args_are_one_line_exit_2(standin: Path, tmp_path: Path, args: str, message: str) -> None:
    dataset = make_dataset(tmp_path / "ds", n_samples=2)
    code, _, err = rbh_main(
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--no-cache",
        "--output",
        str(tmp_path / "out"),
        "--model",
        "vllm:m",
        "--model-args",
        args,
    )
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: {message}")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_too_few_visible_gpus_is_one_line(standin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rbh import UsageError
    from rbh_vllm.model import VLLMModel

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,5,6")
    with pytest.raises(UsageError, match=r"2 data-parallel rank\(s\) x 2 GPU\(s\) each need 4 GPUs, but CUDA_VISIBLE_DEVICES lists 3"):
        VLLMModel("m", data_parallel_size=2, tensor_parallel_size=2)


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
        "error: the vllm backend needs vLLM, which runs on a machine with a CUDA GPU: there, install it into the environment rbh "
        "runs in (pip install vllm), or use --model hf:MODEL on this machine"
    ]


def test_list_models_shows_aliases() -> None:
    code, out, _ = rbh_main("list", "models")
    assert code == 0
    for name in ("openai", "anthropic", "hf", "vllm", "vllm:qwen", "hf:smollm2"):
        assert name in out.replace("\n", " ") or name in out


# --- SIGKILL and resume with data parallel -------------------------------------------------------

KEEP = ("id", "response", "parsed", "resolved", "metrics", "error")
N = 40


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigkill_then_resume_generates_nothing_twice(standin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = make_dataset(tmp_path / "ds", n_samples=N)
    cache = tmp_path / "cache.sqlite"
    base = ["run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--no-progress", "--model", "vllm:org/dense-7b"]
    base += ["--model-args", "data_parallel_size=2,chunk_size=2"]
    monkeypatch.setenv("VLLM_STANDIN_DELAY", "0.1")
    killed_log = tmp_path / "killed.log"
    kill_once_cached(
        [*base, "--cache", str(cache), "--output", str(tmp_path / "killed")],
        cache,
        N // 3,
        {**os.environ, "VLLM_STANDIN_LOG": str(killed_log)},
    )
    cached_before = cached_count(cache)
    assert 0 < cached_before < N, cached_before
    workers = {r["pid"] for r in _log(killed_log)}
    assert len(workers) == 2
    deadline = time.time() + 10
    while any(_alive(pid) for pid in workers) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers), "a worker outlived its killed parent"
    generated_before = [r["prompt"] for r in _log(killed_log)]

    monkeypatch.setenv("VLLM_STANDIN_DELAY", "0")
    resumed_log = tmp_path / "resumed.log"
    resumed = run_cli(*base, "--cache", str(cache), "--output", str(tmp_path / "resumed"), env={"VLLM_STANDIN_LOG": str(resumed_log)})
    assert resumed.code == 0, resumed.err
    generated_again = [r["prompt"] for r in _log(resumed_log)]
    assert len(generated_again) == len(set(generated_again)) == N - cached_before
    # answers generated but not yet stored when the process died may be generated again; stored ones never
    assert len(set(generated_again) & set(generated_before)) <= len(generated_before) - cached_before

    fresh = run_cli(*base, "--no-cache", "--output", str(tmp_path / "fresh"), env={"VLLM_STANDIN_LOG": str(tmp_path / "fresh.log")})
    assert fresh.code == 0, fresh.err
    r = json.loads((only_run_dir(tmp_path / "resumed") / "results.json").read_text())["tasks"]["movie_explicit"]
    f = json.loads((only_run_dir(tmp_path / "fresh") / "results.json").read_text())["tasks"]["movie_explicit"]
    assert r["counts"]["cached"] == cached_before and r["counts"]["model_calls"] == N - cached_before
    assert r["metrics"] == f["metrics"]
    assert sample_rows(only_run_dir(tmp_path / "resumed"), KEEP) == sample_rows(only_run_dir(tmp_path / "fresh"), KEEP)


def test_gpu_check_script_runs_end_to_end_on_the_standin(standin: Path, tmp_path: Path) -> None:
    """scripts/gpu-check with a fake nvidia-smi listing two GPUs: the rbh run, the raw LLM.chat over
    the run's saved prompts and the data_parallel_size=2 run all happen, and the report is printed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "nvidia-smi").write_text("#!/bin/sh\necho 'GPU 0: Fake'\necho 'GPU 1: Fake'\n")
    (bin_dir / "nvidia-smi").chmod(0o755)
    dataset = make_dataset(tmp_path / "ds", n_samples=6)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    cmd = [sys.executable, str(REPO / "scripts" / "gpu-check"), "--model", "org/dense-7b", "--limit", "6"]
    proc = subprocess.run(
        [*cmd, "--dataset", str(dataset), "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "6 requests, 2 GPU(s), model org/dense-7b" in proc.stdout
    assert "raw vLLM LLM.chat" in proc.stdout and "% of raw (goal >= 95%)" in proc.stdout and "data_parallel_size=2" in proc.stdout
    prompts = [r["prompt"] for r in _log(standin)]
    assert len(prompts) == 18 and len(set(prompts)) == 6  # rbh, raw, rbh with two workers: the same 6 prompts each
