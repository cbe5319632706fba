"""Keeping secrets out of results, logs and error messages.

An argument is secret when a backend declares it (`Model.secret_args`) or when its name is one
that only ever holds a credential (`api_key`, `token`, `password`, `hf_token`, `client_secret`,
…, or ends in `_api_key`, `_secret`, …). Names that merely contain "key" or "token"
(`max_tokens_param`, `sort_key`) are ordinary arguments: they stay in results and cache keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SECRET_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "key",
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "access_token",
        "auth_token",
        "api_token",
        "bearer_token",
        "hf_token",
        "secret_key",
        "access_key",
        "client_secret",
        "private_key",
    }
)
SECRET_SUFFIXES = ("_api_key", "_apikey", "_secret", "_password", "_access_token", "_auth_token", "_api_token", "_secret_key")
REDACTED = "***"


def is_secret_name(name: str, declared: Iterable[str] = ()) -> bool:
    """Whether an argument called `name` holds a credential: declared so, or named as one only
    a credential is (`*_env` names say which environment variable holds it: not secret)."""
    lowered = name.lower()
    if name in declared:
        return True
    return not lowered.endswith("_env") and (lowered in SECRET_NAMES or lowered.endswith(SECRET_SUFFIXES))


def redact_args(args: Mapping[str, Any], declared: Iterable[str] = ()) -> dict[str, Any]:
    """Copy of `args` with the values of secret arguments (see `is_secret_name`) replaced."""
    declared = tuple(declared)
    return {name: REDACTED if value is not None and is_secret_name(name, declared) else value for name, value in args.items()}


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of a known secret value in a message."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text
