"""Fitting request fields to an SDK method's signature."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def split_sdk_kwargs(method: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for an SDK method: the ones its signature names, the rest in `extra_body`
    (SDK versions differ in which request fields they type; the server accepts them all)."""
    import inspect

    accepted = set(inspect.signature(method).parameters)
    kwargs = {k: v for k, v in params.items() if k in accepted and k != "extra_body"}
    extra = {**{k: v for k, v in params.items() if k not in accepted and k != "extra_body"}, **dict(params.get("extra_body") or {})}
    if extra:
        kwargs["extra_body"] = extra
    return kwargs
