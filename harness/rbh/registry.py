"""The registry: the only module that calls plugin hooks (docs/design.md §4).

Everything else asks it typed questions: which models, scorers, generators, datasets, task and
template folders exist, and which plugin (distribution, version) provided each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pluggy

from rbh.errors import PluginError, UsageError
from rbh.plugins import PluginInfo, load_plugins, strict_plugins, warn

if TYPE_CHECKING:
    from rbh.commands import Command
    from rbh.domains import DomainProfile
    from rbh.events import RunEnd, RunStart, SampleEnd
    from rbh.generators import Generator
    from rbh.interactive.simulator import Simulator
    from rbh.models.base import Model
    from rbh.scoring.base import Scorer
    from rbh.scoring.sets import ScoringSet

T = TypeVar("T")


@dataclass(frozen=True)
class DatasetEntry:
    """A named dataset. `resolve()` returns a loadable spec (a folder path or `hf:ORG/NAME`)."""

    name: str
    resolve: Callable[[], str]
    description: str = ""


@dataclass(frozen=True)
class Registered(Generic[T]):
    """A registered object and where it came from."""

    name: str
    obj: T
    plugin: str
    distribution: str
    version: str
    aliases: tuple[str, ...] = ()

    @property
    def provenance(self) -> dict[str, str]:
        return {"plugin": self.plugin, "distribution": self.distribution, "version": self.version}


class Registry:
    """Typed view over the loaded plugins; registrations are collected on first use."""

    def __init__(self, pm: pluggy.PluginManager, infos: Iterable[PluginInfo] = (), strict: bool | None = None):
        self.pm = pm
        self.strict = strict_plugins() if strict is None else strict
        self._infos = {i.name: i for i in infos}
        self._cache: dict[str, Any] = {}
        self._listeners: dict[str, dict[str, Any]] = {}  # lifecycle hook -> {plugin: its caller}

    # -- collection -------------------------------------------------------------------------
    def _plugin_names(self, hook_name: str) -> list[str]:
        hook = getattr(self.pm.hook, hook_name)
        names = []
        for impl in hook.get_hookimpls():
            if impl.plugin_name not in names:
                names.append(impl.plugin_name)
        return sorted(names)

    def _provenance(self, plugin: str) -> tuple[str, str]:
        info = self._infos.get(plugin)
        return (info.distribution, info.version) if info else ("unknown", "unknown")

    def _collect(
        self, hook_name: str, kind: str, name_of: Callable[[Any], str], *, collision_fatal: bool = True
    ) -> dict[str, Registered[Any]]:
        """Call a registration hook plugin by plugin, recording provenance and collisions: a name
        two plugins register is an error naming both (with `collision_fatal=False`, one warning
        naming both, and the first plugin, in name order, keeps it)."""
        if hook_name in self._cache:
            return self._cache[hook_name]
        found: dict[str, Registered[Any]] = {}
        for plugin in self._plugin_names(hook_name):
            dist, version = self._provenance(plugin)

            def register(obj: Any, aliases: Iterable[str] = (), _plugin: str = plugin, _dist: str = dist, _ver: str = version) -> None:
                name = name_of(obj)
                entry = Registered(name, obj, _plugin, _dist, _ver, tuple(aliases))
                for key in (name, *entry.aliases):
                    if key in found and found[key].plugin != _plugin:
                        message = (
                            f"{kind} name {key!r} is registered by both plugin {found[key].plugin!r} "
                            f"({found[key].distribution}) and plugin {_plugin!r} ({_dist})"
                        )
                        if collision_fatal:
                            raise PluginError(message)
                        warn(f"{message}; {found[key].plugin!r}'s is kept")
                        continue
                    found[key] = entry

            caller = self._caller(hook_name, plugin)
            self._call_contained(plugin, hook_name, lambda: caller(register=register))  # noqa: B023 — called at once
        self._cache[hook_name] = found
        return found

    def _paths(self, hook_name: str) -> list[tuple[Path, str]]:
        """Folders registered through a path hook, each with the plugin that registered it."""
        if hook_name not in self._cache:
            paths: list[tuple[Path, str]] = []
            for plugin in self._plugin_names(hook_name):

                def register(path: Any, _plugin: str = plugin) -> None:
                    paths.append((Path(path), _plugin))

                caller = self._caller(hook_name, plugin)
                self._call_contained(plugin, hook_name, lambda: caller(register=register))  # noqa: B023 — called at once
            self._cache[hook_name] = paths
        return self._cache[hook_name]

    def _caller(self, hook_name: str, plugin: str) -> Any:
        """The hook, called on one plugin only."""
        return self.pm.subset_hook_caller(hook_name, remove_plugins=[p for n, p in self.pm.list_name_plugin() if n != plugin])

    def _call_contained(self, plugin: str, hook_name: str, call: Callable[[], Any]) -> None:
        """Run one plugin's registration hook; if it raises, warn (one line naming the plugin) and
        keep what other plugins registered. A name collision (PluginError) stays fatal."""
        try:
            call()
        except PluginError:
            raise
        except Exception as exc:  # noqa: BLE001 — a plugin may fail in any way; isolate it
            if self.strict:
                raise PluginError(f"plugin {plugin!r}: {hook_name} raised {type(exc).__name__}: {exc}") from exc
            message = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            warn(f"plugin {plugin!r}: {hook_name} raised {message}; what it registers there is skipped")

    # -- typed lookups ----------------------------------------------------------------------
    def models(self) -> dict[str, "Registered[type[Model]]"]:
        """Backends by name and alias."""
        return self._collect("register_models", "model", lambda cls: cls.name)

    def scorers(self) -> dict[str, "Registered[type[Scorer]]"]:
        return self._collect("register_scorers", "scorer", lambda cls: cls.name)

    def scoring_sets(self) -> dict[str, "Registered[ScoringSet]"]:
        """Scoring sets by name; the default `rbh` set (the task's own metrics) is always there."""
        from rbh.scoring.sets import DEFAULT_SCORING

        found = self._collect("register_scoring_sets", "scoring set", lambda s: s.name)
        if DEFAULT_SCORING.name in found:
            return found
        from rbh.version import __version__

        return {DEFAULT_SCORING.name: Registered(DEFAULT_SCORING.name, DEFAULT_SCORING, "rbh", "recbench-harness", __version__), **found}

    def scoring_set(self, name: str) -> "ScoringSet":
        return _lookup(self.scoring_sets(), name, "scoring set (--scoring)").obj

    def commands(self) -> dict[str, "Registered[Command]"]:
        """Subcommands that plugins add, by name (a name two plugins register is a warning, not
        an error: every other command, `--help` included, must keep working)."""
        return self._collect("register_commands", "command", lambda c: c.name, collision_fatal=False)

    def generators(self) -> dict[str, "Registered[type[Generator]]"]:
        return self._collect("register_generators", "generator", lambda cls: cls.name)

    def datasets(self) -> dict[str, Registered[DatasetEntry]]:
        return self._collect("register_datasets", "dataset", lambda entry: entry.name)

    def domains(self) -> dict[str, "Registered[DomainProfile]"]:
        """Domain profiles, by name (docs/generator.md, "Adding a domain")."""
        return self._collect("register_domains", "domain", lambda profile: profile.name)

    def simulators(self) -> dict[str, "Registered[type[Simulator]]"]:
        """User simulators of interactive tasks, by name."""
        return self._collect("register_simulators", "simulator", lambda cls: cls.name)

    def tables(self) -> "dict[str, dict[str, Registered[Any]]]":
        """Every registration table by kind: models, scorers, generators, datasets."""
        return {
            "models": self.models(),
            "scorers": self.scorers(),
            "scoring_sets": self.scoring_sets(),
            "generators": self.generators(),
            "datasets": self.datasets(),
            "simulators": self.simulators(),
            "commands": self.commands(),
        }

    def model(self, name: str) -> "Registered[type[Model]]":
        return _lookup(self.models(), name, "model backend")

    def scorer(self, name: str) -> "Registered[type[Scorer]]":
        return _lookup(self.scorers(), name, "scorer")

    def generator(self, name: str) -> "Registered[type[Generator]]":
        return _lookup(self.generators(), name, "generator")

    def dataset(self, name: str) -> Registered[DatasetEntry] | None:
        return self.datasets().get(name)

    def simulator(self, name: str) -> "Registered[type[Simulator]]":
        return _lookup(self.simulators(), name, "simulator")

    def task_folders(self) -> list[tuple[Path, str | None]]:
        """Task folders with their owner: rbh's shipped `tasks/` (owner None) first, then each
        plugin's (its broken files are skipped with a warning instead of failing every command)."""
        from rbh.paths import shipped_dir

        return [(shipped_dir("tasks"), None), *((path, plugin) for path, plugin in self._paths("register_task_paths"))]

    def task_paths(self) -> list[Path]:
        return [path for path, _ in self.task_folders()]

    def template_paths(self) -> list[Path]:
        """Template folders searched in order: rbh's shipped `templates/`, then plugins'."""
        from rbh.paths import shipped_dir

        return [shipped_dir("templates"), *(path for path, _ in self._paths("register_template_paths"))]

    def plugins(self) -> list[PluginInfo]:
        """Every entry point seen (loaded, failed or disabled), plus plugins registered in code."""
        infos = dict(self._infos)
        for name, _ in self.pm.list_name_plugin():
            if name not in infos and not name.startswith("_"):
                infos[name] = PluginInfo(name, name, "unknown", "unknown", "loaded")
        return [infos[n] for n in sorted(infos)]

    def plugin_versions(self) -> dict[str, str]:
        return {p.name: f"{p.distribution} {p.version}" for p in self.plugins() if p.status == "loaded"}

    # -- lifecycle --------------------------------------------------------------------------
    def on_run_start(self, payload: "RunStart") -> None:
        self._notify("on_run_start", run=payload)

    def on_sample_end(self, payload: "SampleEnd") -> None:
        self._notify("on_sample_end", sample=payload)

    def on_run_end(self, payload: "RunEnd") -> None:
        self._notify("on_run_end", run=payload)

    def _notify(self, hook_name: str, **payload: Any) -> None:
        """Call a lifecycle hook plugin by plugin. One that raises is contained like a
        registration hook: one warning naming it, and that plugin's hook is not called again in
        this process (a tracker that failed on one sample would fail on every one); the run goes
        on and is written. `RBH_STRICT_PLUGINS=1` makes it fatal."""
        listeners = self._listeners.get(hook_name)
        if listeners is None:
            listeners = self._listeners[hook_name] = {p: self._caller(hook_name, p) for p in self._plugin_names(hook_name)}
        if not listeners:  # the usual case, once per sample: nothing to do
            return
        for plugin, caller in list(listeners.items()):
            try:
                caller(**payload)
            except Exception as exc:  # noqa: BLE001 — a plugin may fail in any way; isolate it
                if self.strict:
                    raise PluginError(f"plugin {plugin!r}: {hook_name} raised {type(exc).__name__}: {exc}") from exc
                del listeners[plugin]
                message = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
                warn(f"plugin {plugin!r}: {hook_name} raised {message}; it is not called again in this run")


def _lookup(table: dict[str, Registered[T]], name: str, kind: str) -> Registered[T]:
    try:
        return table[name]
    except KeyError:
        import difflib

        names = sorted({r.name for r in table.values()})
        close = difflib.get_close_matches(name, list(table), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise UsageError(f"unknown {kind} {name!r} ({hint}known: {', '.join(names) or 'none'})") from None


_REGISTRY: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built on first use from the installed entry points."""
    global _REGISTRY
    if _REGISTRY is None:
        pm, infos = load_plugins()
        _REGISTRY = Registry(pm, infos)
    return _REGISTRY


def set_registry(registry: Registry | None) -> None:
    """Replace the process-wide registry (tests use a fresh PluginManager)."""
    global _REGISTRY
    _REGISTRY = registry
