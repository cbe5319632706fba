"""Fixtures for the backend tests: fake API servers on 127.0.0.1 and small datasets."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cached_count, kill_once_cached  # noqa: F401 — used by the backend tests
from tests.servers.batch_server import BatchServer
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


@pytest.fixture
def batch_server() -> Iterator[Callable[..., BatchServer]]:
    """A factory: `batch_server(polls_per_state=..., responder=...)` starts a provider-batch server."""
    started: list[BatchServer] = []

    def make(**kwargs: Any) -> BatchServer:
        server = BatchServer(api_key=SECRET, **kwargs).start()
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


def sample_rows(folder: Path, keep: tuple[str, ...] | None = None, task: str = "movie_explicit") -> list[dict[str, Any]]:
    """The rows of `samples/<task>.jsonl` of a run folder, cut to the `keep` keys when given."""
    rows = [json.loads(line) for line in (folder / "samples" / f"{task}.jsonl").read_text().splitlines()]
    return rows if keep is None else [{k: row[k] for k in keep} for row in rows]
