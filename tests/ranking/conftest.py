"""Fixtures of the ranking tests: the fake API server (its fixture lives with the backend tests)."""

from tests.backends.conftest import llm_server  # noqa: F401 — the fake API server fixture
