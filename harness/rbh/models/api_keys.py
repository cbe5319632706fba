"""API keys for the API backends: read from an environment variable (or passed directly),
checked at construction so a missing key is one clear line and exit 2, never echoed."""

from __future__ import annotations

import os

from rbh.errors import UsageError

PLACEHOLDER_KEY = "EMPTY"  # what OpenAI-compatible local servers (vLLM, Ollama) accept without auth


def resolve_api_key(backend: str, *, api_key: str | None, api_key_env: str | None, default_env: str, custom_server: bool) -> str:
    """The key to send. Order: `api_key=`, then `$api_key_env` (default `default_env`).

    A custom `base_url` with no key anywhere and no `api_key_env=` given gets a placeholder
    (local servers ignore it); otherwise a missing key is a UsageError naming the variable.
    """
    if api_key:
        return str(api_key)
    env = api_key_env or default_env
    value = os.environ.get(env, "").strip()
    if value:
        return value
    if custom_server and api_key_env is None:
        return PLACEHOLDER_KEY
    raise UsageError(f"{backend}: no API key: set the environment variable {env} (or choose another with --model-args api_key_env=NAME)")
