"""Dependencies point one way (docs/design.md §4): core never imports a plugin, built-in plugins use only
the documented public API, and each built-in plugin can be disabled without breaking the rest."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, make_dataset, run_cli

CORE = REPO / "harness" / "rbh"
PLUGINS = REPO / "plugins"
BUILTINS = sorted(p.name for p in PLUGINS.iterdir() if p.name.startswith("rbh_"))
DOCUMENTED = ("rbh", "rbh.data", "rbh.models", "rbh.scoring", "rbh.completion", "rbh.results", "rbh.interactive")


def imports_of(root: Path) -> Iterator[tuple[Path, int, str, tuple[str, ...]]]:
    """(file, line, module, names) of every import under `root`, lazy ones inside functions too."""
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, node.lineno, alias.name, ()
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.lineno, node.module, tuple(a.name for a in node.names)


def test_core_never_imports_a_plugin() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path, line, module, _ in imports_of(CORE)
        if module.split(".")[0].startswith("rbh_")
    ]
    assert offenders == []


def test_the_import_scan_sees_lazy_imports(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def f():\n    from rbh_kg.generator import x\n")
    assert [m for _, _, m, _ in imports_of(tmp_path)] == ["rbh_kg.generator"]


def test_builtin_plugins_use_only_the_documented_api() -> None:
    exported = {name: set(importlib.import_module(name).__all__) for name in DOCUMENTED}
    offenders = []
    for path, line, module, names in imports_of(PLUGINS):
        if module.split(".")[0] != "rbh":
            continue
        where = f"{path.relative_to(REPO)}:{line}"
        if module not in exported:
            offenders.append(f"{where} imports the internal module {module}")
            continue
        offenders += [f"{where} imports {module}.{n}, which is not in its __all__" for n in names if n not in exported[module]]
    assert offenders == []


def test_every_documented_module_and_name_is_in_the_plugin_docs() -> None:
    doc = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    for module in DOCUMENTED:
        assert f"`{module}`" in doc, f"docs/plugins.md does not describe {module}"
        missing = [n for n in importlib.import_module(module).__all__ if f"`{n}`" not in doc and not n.startswith("_")]
        assert missing == [], f"docs/plugins.md does not mention {module}: {missing}"


def _one_line_exit_2(result: object) -> str:
    code, err = result.code, result.err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("ds") / "tiny", n_samples=4)


# What each built-in owns, and a command that must then be gone or fail with one line.
OWNED: dict[str, list[str]] = {
    "baselines": ["run", "--tasks", "movie_explicit", "--model", "oracle"],
    "recbench": ["run", "--tasks", "movie_explicit", "--model", "oracle"],
    "kg": ["generate", "--domain", "movie", "--out", "OUT"],
    "openai": ["run", "--tasks", "movie_explicit", "--model", "openai:gpt-4o-mini"],
    "anthropic": ["run", "--tasks", "movie_explicit", "--model", "anthropic:claude"],
    "hf": ["run", "--tasks", "movie_explicit", "--model", "hf:some/model"],
    "vllm": ["run", "--tasks", "movie_explicit", "--model", "vllm:qwen"],
}


@pytest.mark.parametrize("plugin", sorted(OWNED))
def test_each_builtin_disabled_in_turn(plugin: str, small_dataset: Path, tmp_path: Path) -> None:
    env = {"RBH_DISABLE_PLUGINS": plugin}
    owned = [a.replace("OUT", str(tmp_path / "gen")) for a in OWNED[plugin]]
    if owned[0] == "run":
        owned += ["--dataset", str(small_dataset), "--output", str(tmp_path / "out"), "--no-progress"]
    line = _one_line_exit_2(run_cli(*owned, env=env))
    assert plugin in line or "unknown" in line or "invalid choice" in line, line
    assert not (tmp_path / "out").exists() and not (tmp_path / "gen").exists()

    listing = run_cli("plugins", env=env)
    assert listing.code == 0 and "disabled" in listing.out
    assert run_cli("list", "models", env=env).code == 0
    if plugin not in ("baselines", "recbench"):  # everything else still evaluates
        still = run_cli(
            "run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(small_dataset),
            "--output", str(tmp_path / "ok"), "--no-progress", env=env,
        )  # fmt: skip
        assert still.code == 0, still.err


def test_no_builtin_plugin_imports_another() -> None:
    """A plugin is shaped like a third party's: it can be installed, disabled or replaced alone,
    so it imports core only, never a sibling plugin (what two plugins share belongs in core)."""
    offenders = []
    for plugin in BUILTINS:
        for path, line, module, _ in imports_of(PLUGINS / plugin):
            top = module.split(".")[0]
            if top.startswith("rbh_") and top != plugin:
                offenders.append(f"{path.relative_to(REPO)}:{line} imports {module}")
    assert offenders == []


def private_reaches(root: Path) -> list[str]:
    """`x._name` reads under `root` of a private name that `root` itself never defines (an
    assignment `obj._name = ...`, a `def _name`, a class attribute): a reach into the internals
    of core (or of another object) that no public name offers."""
    defined: set[str] = set()
    used: list[tuple[Path, int, str]] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                continue  # a module's own name (os._exit), not an object's internals
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                defined.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                used.append((path, node.lineno, node.attr))
    return [
        f"{path.relative_to(root.parent)}:{line} reads .{attr}"
        for path, line, attr in used
        if attr.startswith("_") and not attr.startswith("__") and attr not in defined
    ]


def test_builtin_plugins_reach_no_private_attribute_of_core() -> None:
    offenders = [reach for plugin in BUILTINS for reach in private_reaches(PLUGINS / plugin)]
    assert offenders == []


def test_the_reach_scan_sees_a_private_read(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("class A:\n    def f(self):\n        self._own = 1\n        return self._key, self._own\n")
    assert [r.split(" ", 1)[1] for r in private_reaches(tmp_path)] == ["reads ._key"]
