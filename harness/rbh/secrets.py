"""Keeping secrets out of results, logs and error messages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_SECRET_NAME_RE = re.compile(r"(key|token|secret|password|authorization)", re.IGNORECASE)
REDACTED = "***"


def redact_args(args: Mapping[str, Any], extra_secret_names: Iterable[str] = ()) -> dict[str, Any]:
    """Copy of `args` with secret-looking values replaced; `*_env` names (which env var) are kept."""
    extra = set(extra_secret_names)
    out: dict[str, Any] = {}
    for name, value in args.items():
        secret = name in extra or (_SECRET_NAME_RE.search(name) and not name.endswith("_env"))
        out[name] = REDACTED if secret and value is not None else value
    return out


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of a known secret value in a message."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text
