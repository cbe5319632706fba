"""Fixtures for the backend tests: fake API servers on 127.0.0.1 and small datasets."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers.llm_server import LLMServer

SECRET = "sk-test-7f3a9c1e5b2d4068"  # the API key the tests hand to backends, then grep for


@pytest.fixture
def llm_server() -> Iterator[Callable[..., LLMServer]]:
    """A factory: `llm_server(latency=..., faults=Faults(...))` starts a server, stopped afterwards."""
    started: list[LLMServer] = []

    def make(**kwargs: Any) -> LLMServer:
        server = LLMServer(**kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def rbh_main(*args: str) -> tuple[int, str, str]:
    """`rbh ARGS` in this process (rbh.cli.main.main); returns (exit code, stdout, stderr)."""
    from rbh.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def run_dir(output: Path) -> Path:
    runs = [p for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(runs) == 1, runs
    return runs[0]
