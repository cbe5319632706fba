"""The `openai` backend: Chat Completions against api.openai.com or any OpenAI-compatible server.

The SDK is imported only when a run starts, so `rbh --help` and `rbh list` stay light.
"""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_models(register: Callable[..., None]) -> None:
    from rbh_openai.model import OpenAIChatModel

    register(OpenAIChatModel)
