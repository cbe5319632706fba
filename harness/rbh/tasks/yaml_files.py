"""Reading task YAML files: safe loading, `include:` merging, one clear error per bad file."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rbh.errors import ConfigError

try:  # the C loader is ~10x faster, which keeps `rbh list tasks` quick (also used for domain profiles)
    YAML_LOADER: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    YAML_LOADER = yaml.SafeLoader

MAX_INCLUDE_DEPTH = 8


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML mapping (a fresh copy each call); a syntax error names the file and line."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return copy.deepcopy(_parsed(path, stamp))


@lru_cache(maxsize=1024)
def _parsed(path: Path, stamp: int) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: malformed YAML: {problem}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a task file must be a YAML mapping")
    return data


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge mappings recursively; values of `override` win, lists are replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def read_with_includes(path: Path, _depth: int = 0, lookup: Callable[[str], Path | None] | None = None) -> dict[str, Any]:
    """Read a task file, resolving `include:` — a path relative to the file, or the name of a
    known task (`lookup` maps names to files), or a list of them; later entries win."""
    if _depth > MAX_INCLUDE_DEPTH:
        raise ConfigError(f"{path}: include chain deeper than {MAX_INCLUDE_DEPTH} (a cycle?)")
    data = read_yaml(path)
    includes = data.pop("include", None)
    if includes is None:
        return data
    merged: dict[str, Any] = {}
    for name in [includes] if isinstance(includes, str) else list(includes):
        target = (path.parent / str(name)).resolve()
        if not target.is_file():
            found = lookup(str(name)) if lookup is not None else None
            if found is None:
                raise ConfigError(f"{path}: include {name!r} is neither a file next to it nor a known task name")
            target = found
        merged = deep_merge(merged, read_with_includes(target, _depth + 1, lookup))
    return deep_merge(merged, data)
