"""Fixtures of the core tests: a local OpenAI-compatible server that counts what it receives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.llm_server import LLMServer


@pytest.fixture(scope="module")
def server() -> Iterator[LLMServer]:
    """One fake OpenAI/Anthropic server per test module; `server.log` holds every request."""
    with LLMServer() as s:
        yield s
