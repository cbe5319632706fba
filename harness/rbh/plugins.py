"""Loading plugins from the `rbh` entry-point group, one at a time, so a broken plugin is
reported and skipped instead of breaking every command (docs/design.md §4).

Environment: `RBH_STRICT_PLUGINS=1` makes a failing plugin fatal; `RBH_DISABLE_PLUGINS=a,b`
blocks plugins by entry-point name; `RBH_TRACE_PLUGINS=1` prints every hook call to stderr.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from rbh import hookspecs
from rbh.errors import PluginError

ENTRY_POINT_GROUP = "rbh"


@dataclass(frozen=True)
class PluginInfo:
    """What `rbh plugins` shows for one entry point."""

    name: str
    module: str
    distribution: str
    version: str
    status: str  # "loaded", "failed" or "disabled"
    error: str | None = None


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def strict_plugins() -> bool:
    """`RBH_STRICT_PLUGINS=1`: a failing plugin is fatal instead of skipped."""
    return _env_flag("RBH_STRICT_PLUGINS")


def warn(message: str) -> None:
    """One warning line on stderr."""
    print(f"warning: {message}", file=sys.stderr)


def disabled_plugins() -> set[str]:
    return {p.strip() for p in os.environ.get("RBH_DISABLE_PLUGINS", "").split(",") if p.strip()}


def _distribution(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown", "unknown"
    return dist.metadata["Name"] or "unknown", dist.version or "unknown"


def load_plugins(pm: pluggy.PluginManager | None = None) -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """Create a plugin manager and load every `rbh` entry point into it."""
    pm = pm or pluggy.PluginManager("rbh")
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    blocked = disabled_plugins()
    strict = strict_plugins()
    seen: set[str] = set()
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in seen:  # the same distribution visible twice on sys.path
            continue
        seen.add(ep.name)
        dist, version = _distribution(ep)
        if ep.name in blocked:
            pm.set_blocked(ep.name)
            infos.append(PluginInfo(ep.name, ep.value, dist, version, "disabled"))
            continue
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except Exception as exc:  # a plugin may fail in any way; isolate it
            message = f"{type(exc).__name__}: {exc}".splitlines()[0]
            if strict:
                raise PluginError(f"plugin {ep.name!r} ({dist} {version}) failed to load: {message}") from exc
            warn(f"plugin {ep.name!r} ({dist}) failed to load and was skipped: {message}")
            infos.append(PluginInfo(ep.name, ep.value, dist, version, "failed", message))
            continue
        infos.append(PluginInfo(ep.name, ep.value, dist, version, "loaded"))
    if _env_flag("RBH_TRACE_PLUGINS"):
        _enable_tracing(pm)
    return pm, infos


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    def before(hook_name: str, hook_impls: Any, kwargs: Any) -> None:
        names = ", ".join(impl.plugin_name for impl in hook_impls)
        print(f"[rbh trace] {hook_name} -> {names or '(no implementations)'}", file=sys.stderr)

    def after(outcome: Any, hook_name: str, hook_impls: Any, kwargs: Any) -> None:
        if outcome.exception is not None:
            print(f"[rbh trace] {hook_name} raised {outcome.exception!r}", file=sys.stderr)

    pm.add_hookcall_monitoring(before, after)
