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


def test_arguments_named_like_keys_are_recorded_and_keyed_credentials_are_not(tmp_path: Path, llm_server: Any) -> None:
    """Redaction goes by the names only a credential has (and a backend's declared `secret_args`):
    `max_tokens_param` is an ordinary argument — recorded, and part of the cache key — while a
    key passed as `api_key` is neither."""
    import json

    from rbh.secrets import redact_args

    assert redact_args({"sort_key": "reverse", "max_tokens": 5, "hf_token": "hf_x", "my_api_key": "k", "api_key_env": "E"}) == {
        "sort_key": "reverse",
        "max_tokens": 5,
        "hf_token": "***",
        "my_api_key": "***",
        "api_key_env": "E",
    }
    assert redact_args({"sort_key": "reverse"}, declared=["sort_key"]) == {"sort_key": "***"}

    server = llm_server(api_key=SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=4)
    runs = []
    for param in ("max_tokens", "max_completion_tokens"):
        code, out, err = rbh_main(
            "run", "--tasks", "movie_explicit", "--dataset", str(dataset), "--cache", str(tmp_path / "cache.sqlite"),
            "--no-progress", "--output", str(tmp_path / "out"), "--run-name", param, "--model", "openai:fake",
            "--model-args", f"base_url={server.url}/v1,api_key={SECRET},max_tokens_param={param}",
        )  # fmt: skip
        assert code == 0, err
        runs.append(json.loads((tmp_path / "out" / param / "results.json").read_text()))
    assert [r["model"]["args"]["max_tokens_param"] for r in runs] == ["max_tokens", "max_completion_tokens"]
    assert {r["model"]["args"]["api_key"] for r in runs} == {"***"}
    counts = [r["tasks"]["movie_explicit"]["counts"] for r in runs]
    assert [c["cached"] for c in counts] == [0, 0], "the two runs differ by an argument, so share no cache entry"
    assert _grep(tmp_path, SECRET) == []
