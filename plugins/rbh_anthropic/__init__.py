"""The `anthropic` backend: the Messages API; thinking blocks become the completion's reasoning.

The SDK is imported only when a run starts, so `rbh --help` and `rbh list` stay light.
"""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_models(register: Callable[..., None]) -> None:
    from rbh_anthropic.model import AnthropicModel

    register(AnthropicModel)
