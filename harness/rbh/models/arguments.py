"""Checking `--model-args` against a backend before it is built: unknown keys and values of the
wrong type are one-line usage errors that name the key and what is accepted."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rbh.errors import UsageError

if TYPE_CHECKING:
    from rbh.models.base import Model

_SKIP = ("self", "model_name")


def accepted_args(cls: "type[Model]") -> dict[str, inspect.Parameter]:
    """The named keyword arguments of a backend's constructor (its `--model-args`), inherited
    ones included: a constructor that passes `**kwargs` on to its base takes the base's named
    arguments too (up to `Model`, whose `**model_args` only records them)."""
    return {name: param for name, (param, _) in _accepted(cls).items()}


def _accepted(cls: "type[Model]") -> dict[str, tuple[inspect.Parameter, str]]:
    """Each accepted argument with the module of the constructor that declares it (the nearest
    class wins, so a subclass may change a default)."""
    from rbh.models.base import Model

    found: dict[str, tuple[inspect.Parameter, str]] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is Model or klass is object:
            break
        parameters = inspect.signature(init).parameters.values()
        for p in parameters:
            if p.name not in _SKIP and p.name not in found and p.kind in (_NAMED, inspect.Parameter.KEYWORD_ONLY):
                found[p.name] = (p, init.__module__)
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            break
    return found


_NAMED = inspect.Parameter.POSITIONAL_OR_KEYWORD


def check_model_args(cls: "type[Model]", args: Mapping[str, Any]) -> None:
    """Raise a UsageError for a key the backend does not take (unless it declares
    `accepts_extra_args`) or a value its constructor's annotation rejects."""
    params = accepted_args(cls)
    if not getattr(cls, "accepts_extra_args", False):
        unknown = sorted(set(args) - set(params))
        if unknown:
            known = ", ".join(sorted(params)) or "none"
            plural = "s" if len(unknown) > 1 else ""
            raise UsageError(f"--model-args: {cls.name} does not take {', '.join(map(repr, unknown))} (argument{plural} it takes: {known})")
    hints = _hints(cls)
    for key, value in args.items():
        hint = hints.get(key)
        if hint is not None and key in params:
            _check_type(cls.name, key, value, hint)


def _hints(cls: "type[Model]") -> dict[str, Any]:
    """Each parameter's annotation, evaluated one by one in its declaring module (one that
    cannot be is not checked)."""
    import sys

    out: dict[str, Any] = {}
    for name, (param, module) in _accepted(cls).items():
        annotation = param.annotation
        if annotation is inspect.Parameter.empty:
            continue
        if isinstance(annotation, str):
            module_globals = vars(sys.modules[module]) if module in sys.modules else {}
            try:
                annotation = eval(annotation, dict(module_globals), {})  # noqa: S307 — the class's own annotation
            except Exception:  # noqa: BLE001
                continue
        out[name] = annotation
    return out


def _check_type(backend: str, key: str, value: Any, hint: Any) -> None:
    from pydantic import TypeAdapter, ValidationError

    if value is None:
        return  # "none" means "leave it to the backend's default"
    try:
        TypeAdapter(hint).validate_python(value)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"]
        raise UsageError(f"--model-args: {backend} {key}={value!r}: {message}") from None
    except Exception:  # noqa: BLE001 — a type pydantic cannot check is left to the backend
        return
