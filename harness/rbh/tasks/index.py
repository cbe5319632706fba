"""Finding tasks and groups in task folders and expanding `--tasks` selections."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.errors import ConfigError, UsageError
from rbh.plugins import warn
from rbh.tasks.yaml_files import read_with_includes, read_yaml

if TYPE_CHECKING:
    from rbh.tasks.config import TaskConfig


@dataclass
class TaskEntry:
    """A discovered task: its merged raw YAML, validated on demand."""

    name: str
    path: Path
    raw: dict[str, Any]
    _config: "TaskConfig | None" = None

    @property
    def tags(self) -> list[str]:
        tags = self.raw.get("tags") or []
        return [str(t) for t in tags] if isinstance(tags, list) else []

    @property
    def description(self) -> str:
        return str(self.raw.get("description") or "")

    def config(self) -> "TaskConfig":
        if self._config is None:
            self._config = validate_task(self.raw, self.path)
        return self._config


@dataclass(frozen=True)
class GroupEntry:
    """A named list of tasks (or other groups)."""

    name: str
    path: Path
    members: tuple[str, ...]
    description: str = ""
    aggregation: tuple[tuple[str, str], ...] = ()  # (metric, micro|macro); "*" is every other metric

    def aggregation_for(self, metric: str) -> str:
        """How this group pools `metric` over its tasks: micro (weighted by samples) or macro."""
        rules = dict(self.aggregation)
        return rules.get(metric, rules.get("*", "micro"))


def validate_task(raw: dict[str, Any], path: Path) -> "TaskConfig":
    """Validate a merged task mapping; the first problem becomes one clear line."""
    from pydantic import ValidationError

    from rbh.tasks.config import TaskConfig

    try:
        return TaskConfig(**raw, source_path=path)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        name = raw.get("task", path.stem)
        raise ConfigError(f"task {name} ({path}): {where}: {err['msg']}") from None
    except TypeError as exc:
        raise ConfigError(f"task file {path}: {exc}") from None


@dataclass
class TaskIndex:
    """All tasks and groups of the registered task folders."""

    tasks: dict[str, TaskEntry] = field(default_factory=dict)
    groups: dict[str, GroupEntry] = field(default_factory=dict)
    files_by_name: dict[str, Path] = field(default_factory=dict)  # task name -> file, for `include: NAME`

    def task_file(self, name: str) -> Path | None:
        """The file that defines task `name` (also `name.yaml`), for `include:` by name."""
        entry = self.tasks.get(name) or self.tasks.get(name.removesuffix(".yaml"))
        if entry is not None:
            return entry.path
        return self.files_by_name.get(name) or self.files_by_name.get(name.removesuffix(".yaml"))

    def note_names(self, folder: Path) -> None:
        """Remember which file defines which task name (first one wins), before indexing, so a
        task may include another by name whatever the order of files and folders."""
        for path in sorted(folder.rglob("*.yaml")):
            try:
                raw = read_yaml(path)
            except ConfigError:
                continue  # reported when the file itself is indexed
            if isinstance(raw.get("task"), str):
                self.files_by_name.setdefault(raw["task"], path)

    def add_file(self, path: Path, replace: bool = True) -> list[str]:
        """Index one YAML file; returns the task names it defines (none for group files). With
        `replace=False` a group name that is already known is an error too."""
        raw = read_with_includes(path, lookup=self.task_file)
        if "group" in raw and "task" not in raw:
            members = raw.get("tasks") or []
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise ConfigError(f"group file {path}: 'tasks' must be a list of task or group names")
            name = str(raw["group"])
            known = self.groups.get(name)
            if not replace and known is not None and known.path != path:
                raise ConfigError(f"group {name!r} is already defined in {known.path}")
            aggregation = parse_aggregation(raw.get("aggregate_metric_list"), path)
            self.groups[name] = GroupEntry(name, path, tuple(members), str(raw.get("description") or ""), aggregation)
            return []
        if "task" not in raw:
            raise ConfigError(f"{path}: a task file needs a 'task:' name (or 'group:' for a group file)")
        name = str(raw["task"])
        previous = self.tasks.get(name)
        if previous is not None and previous.path != path:
            raise ConfigError(f"task {name!r} is defined twice: {previous.path} and {path}")
        self.tasks[name] = TaskEntry(name, path, raw)
        return [name]

    def add_folder(self, folder: Path, owner: str | None = None) -> list[str]:
        """Index every `*.yaml` under a folder; files starting with '_' are include-only bases.

        In a plugin's folder (`owner` set), a file that does not read or clashes with a known task
        is skipped with one warning naming the plugin and the file; elsewhere it is an error."""
        names: list[str] = []
        for path in sorted(folder.rglob("*.yaml")):
            if path.name.startswith("_"):
                continue
            if owner is None:
                names.extend(self.add_file(path))
                continue
            try:
                names.extend(self.add_file(path, replace=False))
            except ConfigError as exc:
                warn(f"plugin {owner!r}: task file {path} skipped: {exc}")
        return names

    def leaf_tasks(self, group: str) -> list[str]:
        """The tasks a group holds, its subgroups expanded (unknown names are left out)."""
        out: list[str] = []
        for member in self.groups[group].members:
            if member in self.tasks:
                out.append(member)
            elif member in self.groups and member != group:
                out.extend(self.leaf_tasks(member))
        return list(dict.fromkeys(out))

    def tags(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entry in self.tasks.values():
            for tag in entry.tags:
                out.setdefault(tag, []).append(entry.name)
        return out

    def select(self, spec: str) -> list["TaskConfig"]:
        """Expand a comma-separated `--tasks` value: task, group or tag names, YAML files, folders."""
        names: list[str] = []
        for token in (t.strip() for t in spec.split(",")):
            if token:
                names.extend(self._expand(token, set()))
        if not names:
            raise UsageError("--tasks selected no task")
        unique = list(dict.fromkeys(names))
        return [self.tasks[n].config() for n in unique]

    def _expand(self, token: str, seen: set[str]) -> list[str]:
        path = Path(token).expanduser()
        if token.endswith((".yaml", ".yml")) or path.is_dir() or (path.is_file() and path.suffix in (".yaml", ".yml")):
            if path.is_dir():
                found = self.add_folder(path)
                if not found:
                    raise UsageError(f"no task YAML files in folder {token}")
                return found
            if not path.is_file():
                raise UsageError(f"task file not found: {token}")
            found = self.add_file(path.resolve())
            if not found:
                group = next(g for g in self.groups.values() if g.path == path.resolve())
                return self._expand(group.name, seen)
            return found
        if token in self.tasks:
            return [token]
        if token in self.groups:
            if token in seen:
                raise ConfigError(f"group {token!r} includes itself")
            out: list[str] = []
            for member in self.groups[token].members:
                out.extend(self._expand(member, seen | {token}))
            return out
        tagged = self.tags().get(token)
        if tagged:
            return sorted(tagged)
        candidates = list(dict.fromkeys([*self.tasks, *self.groups, *self.tags()]))  # a group that is also a tag: once
        close = difflib.get_close_matches(token, candidates, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `rbh list tasks`)"
        raise UsageError(f"unknown task, group or tag {token!r}{hint}")


AGGREGATIONS = ("micro", "macro")


def parse_aggregation(raw: Any, path: Path) -> tuple[tuple[str, str], ...]:
    """A group's `aggregate_metric_list` (as in lm-evaluation-harness): a list of
    `{metric: NAME|"*", aggregation: mean, weight_by_size: true|false}`; weighted is micro."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"group file {path}: 'aggregate_metric_list' must be a list of {{metric, aggregation, weight_by_size}}")
    rules = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("metric"), str):
            raise ConfigError(f"group file {path}: every aggregate_metric_list entry needs a 'metric' name")
        if entry.get("aggregation", "mean") != "mean":
            raise ConfigError(f"group file {path}: aggregation {entry['aggregation']!r} is not supported (only 'mean')")
        weighted = entry.get("weight_by_size", True)
        if not isinstance(weighted, bool):
            raise ConfigError(f"group file {path}: weight_by_size must be true or false")
        rules.append((entry["metric"], "micro" if weighted else "macro"))
    return tuple(rules)


def load_task_index(folders: Iterable[Path | tuple[Path, str | None]]) -> TaskIndex:
    """Index the task folders in order (rbh's own first, then plugins'); a folder may come with
    the plugin that owns it (`Registry.task_folders()`), whose broken files are then skipped."""
    index = TaskIndex()
    pairs = [entry if isinstance(entry, tuple) else (entry, None) for entry in folders]
    for folder, _ in pairs:
        if folder.is_dir():
            index.note_names(folder)
    for folder, owner in pairs:
        if folder.is_dir():
            index.add_folder(folder, owner)
    return index
