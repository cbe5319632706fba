"""The API key appears in no output: results.json, samples, cache, stdout/stderr, error messages —
even when the server quotes it back in its error bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.backends.conftest import SECRET, rbh_main
from tests.conftest import make_dataset
from tests.servers.llm_server import Faults


def _grep(folder: Path, needle: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_key_never_written(tmp_path: Path, llm_server: Any, monkeypatch: Any, backend: str) -> None:
    # every attempt of some requests fails (500 quoting the key) so error messages are exercised
    server = llm_server(faults=Faults(server_error=0.5), api_key=SECRET, echo_key_in_errors=True, seed=3)
    dataset = make_dataset(tmp_path / "ds", n_samples=30)
    base_url = f"{server.url}/v1" if backend == "openai" else server.url
    monkeypatch.setenv("RBH_TEST_KEY", SECRET)
    args = [
        "run",
        "--tasks",
        "movie_explicit",
        "--dataset",
        str(dataset),
        "--cache",
        str(tmp_path / "cache.sqlite"),
        "--output",
        str(tmp_path / "out"),
        "--model",
        f"{backend}:fake",
        "--model-args",
        f"base_url={base_url},api_key_env=RBH_TEST_KEY,max_retries=1,retry_base_delay=0.01",
    ]
    code, out, err = rbh_main(*args)
    assert code == 1, err  # some samples failed after their retries
    assert SECRET not in out + err
    assert _grep(tmp_path / "out", SECRET) == []
    assert _grep(tmp_path, SECRET) == []  # the cache too
    assert "internal error" in (tmp_path / "out").rglob("movie_explicit.jsonl").__next__().read_text()

    # a key passed directly (--model-args api_key=...) is redacted from the recorded command as well
    code, out, err = rbh_main(*args[:-1], f"base_url={base_url},api_key={SECRET},max_retries=1,retry_base_delay=0.01")
    assert SECRET not in out + err
    assert _grep(tmp_path, SECRET) == []


def test_rejected_key_is_one_line_exit_2(tmp_path: Path, llm_server: Any, monkeypatch: Any) -> None:
    server = llm_server(api_key="sk-the-right-one", echo_key_in_errors=True)
    monkeypatch.setenv("RBH_TEST_KEY", SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=5)
    code, out, err = rbh_main(
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
        "--model-args",
        f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY",
    )
    assert code == 2
    assert "rejected the API key" in err and len(err.strip().splitlines()) == 1, err
    assert SECRET not in out + err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("backend,env", [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")])
def test_missing_key_is_one_line_exit_2(tmp_path: Path, monkeypatch: Any, backend: str, env: str) -> None:
    monkeypatch.delenv(env, raising=False)
    dataset = make_dataset(tmp_path / "ds", n_samples=3)
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
        f"{backend}:some-model",
    )
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: {backend}: no API key: set the environment variable {env} (or choose another with --model-args api_key_env=NAME)"
    ]
    assert not (tmp_path / "out").exists()
