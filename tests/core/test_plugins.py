"""The plugin system: entry points, isolation of broken plugins, env switches, collisions,
provenance, tracing — and every hookspec exercised."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pluggy
import pytest

from rbh import hookimpl, hookspecs
from rbh.errors import PluginError
from rbh.events import RunEnd, RunStart, SampleEnd
from rbh.models.base import ChatRequest, Completion, Model
from rbh.plugins import load_plugins
from rbh.registry import DatasetEntry, Registry, set_registry
from rbh.scoring.base import Scorer, ScoringInput
from tests.conftest import REPO, install_plugins, only_run_dir, run_cli


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example and the broken plugin, really pip-installed into a folder put on PYTHONPATH."""
    return install_plugins(tmp_path_factory.mktemp("site"), "example-plugin", "broken-plugin")


def _env(site: Path, **extra: str) -> dict[str, str]:
    return {"PYTHONPATH": str(site), **extra}


def test_builtin_plugins_are_entry_points() -> None:
    pm, infos = load_plugins()
    names = {i.name: i for i in infos}
    for builtin in ("baselines", "recbench", "kg"):
        assert names[builtin].status == "loaded"
        assert names[builtin].distribution == "recbench-harness"


def test_example_plugin_shows_and_runs(plugin_site: Path, tmp_path: Path, tiny_dataset: Path) -> None:
    listing = run_cli("plugins", env=_env(plugin_site))
    assert listing.code == 0, listing.err
    assert "rbh-example" in listing.out and "0.3.0" in listing.out
    models = run_cli("list", "models", env=_env(plugin_site))
    assert "echo" in models.out and "rbh-example" in models.out
    scorers = run_cli("list", "scorers", env=_env(plugin_site))
    assert "list_length" in scorers.out
    commands = run_cli("list", "commands", env=_env(plugin_site))
    assert "echo-prompt" in commands.out and "example" in commands.out
    echoed = run_cli("echo-prompt", "--query", "something like 'Heat' or 'Ronin'", env=_env(plugin_site))
    assert echoed.code == 0 and echoed.out.strip() == "echo would answer: Heat [SEP] Ronin", echoed.err
    assert "echo-prompt" not in run_cli("--help", env=_env(plugin_site, RBH_DISABLE_PLUGINS="example")).out

    task = tmp_path / "echo_task.yaml"
    task.write_text(
        "task: echo_explicit\n"
        "dataset: {config: movie_explicit}\n"
        "prompt: {system: recommend/system.jinja, user: recommend/user.jinja}\n"
        "metrics: [recall, {name: list_length, options: {cap: 1}}]\n"
    )
    out = tmp_path / "out"
    result = run_cli(
        "run",
        "--tasks",
        str(task),
        "--model",
        "echo:Title Number 0 [SEP] Title Number 5",
        "--dataset",
        str(tiny_dataset),
        "--output",
        str(out),
        "--no-progress",
        env=_env(plugin_site),
    )
    assert result.code == 0, result.err
    import json

    results = json.loads((only_run_dir(out) / "results.json").read_text())
    task_result = results["tasks"]["echo_explicit"]
    assert task_result["metrics"]["list_length"]["value"] == 1.0  # capped at 1 by the YAML option
    assert task_result["scorers"]["list_length"]["distribution"] == "rbh-example"
    assert results["model"]["distribution"] == "rbh-example"
    assert results["plugins"]["example"] == "rbh-example 0.3.0"


def test_the_documented_echo_model_answers_the_shipped_tasks(plugin_site: Path, tmp_path: Path) -> None:
    """docs/plugins.md's `rbh run --tasks implicit --model echo`: every sample gets titles that
    resolve in the catalog (the bridges the query names, or the user's history)."""
    import json

    out = tmp_path / "out"
    result = run_cli(
        "run", "--tasks", "implicit,interest", "--model", "echo", "--dataset", str(REPO / "tests" / "fixtures" / "mini-benchmark"),
        "--output", str(out), "--no-progress", "--log-samples", "full", env=_env(plugin_site),
    )  # fmt: skip
    assert result.code == 0, result.err
    rows = [json.loads(line) for path in (only_run_dir(out) / "samples").glob("*.jsonl") for line in path.read_text().splitlines()]
    assert rows and all(row["resolved"] and all(row["resolved"]) for row in rows), "every sample answered with catalog titles"
    implicit = [row for row in rows if row["sample"]["subtype"] == "implicit"]
    bridges = {b["item_id"] for row in implicit for b in row["sample"]["bridges"]}
    assert bridges & {i for row in implicit for i in row["resolved"]}, "an implicit query's bridges are echoed"
    listing = run_cli("list", "metrics", env=_env(plugin_site))
    line = next(ln for ln in listing.out.splitlines() if "list_length" in ln)
    assert "↑" not in line and "↓" not in line, "a count has no direction"


def test_broken_plugin_is_isolated(plugin_site: Path, tiny_dataset: Path, tmp_path: Path) -> None:
    result = run_cli("list", "models", env=_env(plugin_site))
    assert result.code == 0
    warnings = [ln for ln in result.err.splitlines() if "broken" in ln]
    assert len(warnings) == 1 and "failed to load" in warnings[0]
    assert "oracle" in result.out
    plugins = run_cli("plugins", env=_env(plugin_site))
    assert "failed" in plugins.out and "broken on" in plugins.out


def test_strict_mode_makes_broken_plugin_fatal(plugin_site: Path) -> None:
    result = run_cli("list", "models", env=_env(plugin_site, RBH_STRICT_PLUGINS="1"))
    assert result.code == 2
    assert "plugin 'broken'" in result.err and "Traceback" not in result.err


def test_disable_plugins(plugin_site: Path) -> None:
    result = run_cli("plugins", env=_env(plugin_site, RBH_DISABLE_PLUGINS="broken,example"))
    assert result.code == 0
    assert "failed to load" not in result.err
    assert result.out.count("disabled") == 2
    models = run_cli("list", "models", env=_env(plugin_site, RBH_DISABLE_PLUGINS="example"))
    assert "echo" not in models.out


def test_trace_plugins(plugin_site: Path) -> None:
    result = run_cli("list", "models", env=_env(plugin_site, RBH_TRACE_PLUGINS="1"))
    assert "[rbh trace] register_models" in result.err
    assert "example" in result.err


# -- in-process registry tests with a fresh PluginManager ------------------------------------


class _Dummy(Model):
    name = "dummy"

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        for i, _ in enumerate(requests):
            yield i, Completion(text="x")


class _Collider:
    @hookimpl
    def register_models(self, register: Callable[..., None]) -> None:
        register(_Dummy)


def _registry(*plugins: tuple[str, Any]) -> Registry:
    pm = pluggy.PluginManager("rbh")
    pm.add_hookspecs(hookspecs)
    for name, plugin in plugins:
        pm.register(plugin, name=name)
    return Registry(pm)


def test_collision_names_both_plugins() -> None:
    registry = _registry(("first", _Collider()), ("second", _Collider()))
    with pytest.raises(PluginError) as err:
        registry.models()
    assert "'first'" in str(err.value) and "'second'" in str(err.value) and "'dummy'" in str(err.value)


class _CommandCollider:
    def __init__(self, says: str):
        self.says = says

    @hookimpl
    def register_commands(self, register: Callable[..., None]) -> None:
        from rbh import Command

        register(Command("sync", "sync somewhere", lambda parser: None, lambda args: print(self.says) or 0))


def test_a_command_two_plugins_register_is_one_warning_naming_both(capsys: pytest.CaptureFixture[str]) -> None:
    """Commands are the CLI itself: a collision must not take `--help` and every command down."""
    registry = _registry(("zeta", _CommandCollider("zeta's")), ("alpha", _CommandCollider("alpha's")))
    commands = registry.commands()
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "'alpha'" in err and "'zeta'" in err and "'sync'" in err, err
    assert commands["sync"].plugin == "alpha"


class _AllHooks:
    """One implementation of every hookspec, recording lifecycle calls."""

    def __init__(self, root: Path):
        self.root = root
        self.events: list[str] = []

    @hookimpl
    def register_models(self, register: Callable[..., None]) -> None:
        register(_Dummy, aliases=("dummy2",))

    @hookimpl
    def register_scorers(self, register: Callable[..., None]) -> None:
        class Always(Scorer):
            name = "always_one"

            def score(self, x: ScoringInput) -> float | None:
                return 1.0

        class Half(Scorer):
            name = "always_half"

            def score(self, x: ScoringInput) -> float | None:
                return 0.5

        class TurnsTaken(Scorer):
            name = "turns_taken"

            def score(self, x: ScoringInput) -> float | None:
                return None if x.conversation is None else float(len(x.conversation.turns))

        register(Always)
        register(Half)
        register(TurnsTaken)

    @hookimpl
    def register_generators(self, register: Callable[..., None]) -> None:
        from rbh import GenerationReport, Generator

        class Gen(Generator):
            name = "nullgen"

            def generate(self, out_dir: Path, **options: Any) -> GenerationReport:
                return GenerationReport(out_dir)

        register(Gen)

    @hookimpl
    def register_datasets(self, register: Callable[..., None]) -> None:
        register(DatasetEntry("tiny", lambda: str(self.root), "a tiny dataset"))

    @hookimpl
    def register_scoring_sets(self, register: Callable[..., None]) -> None:
        from rbh import ScoringSet

        register(ScoringSet("halved", "always_one computed by always_half", {"always_one": "always_half"}))

    @hookimpl
    def register_commands(self, register: Callable[..., None]) -> None:
        from rbh import Command

        register(Command("hello", "say hello", lambda parser: parser.add_argument("--name", default="world"), lambda args: 0))

    @hookimpl
    def register_domains(self, register: Callable[..., None]) -> None:
        from rbh import DomainProfile

        register(DomainProfile.from_mapping({"name": "podcast", "items": "episodes", "consumed": "heard"}))

    @hookimpl
    def register_simulators(self, register: Callable[..., None]) -> None:
        from rbh import Conversation, PlannedCondition, Simulator, Turn

        class Agreeable(Simulator):
            """Opens with the sample's query; accepts whatever the first turn says."""

            name = "agreeable"

            def start(self, samples: Any) -> list[Conversation]:
                plan = [[PlannedCondition(c.relation, c.entity, "volunteered") for c in s.conditions] for s in samples]
                return [Conversation(p, s.query, self.name, self.context.max_turns) for p, s in zip(plan, samples)]

            def respond(self, items: Any, turn: int) -> list[Turn]:
                return [Turn(assistant=text, user="Great, thanks!", accepted=True) for _, _, text in items]

        register(Agreeable)

    @hookimpl
    def register_task_paths(self, register: Callable[..., None]) -> None:
        register(self.root / "tasks")

    @hookimpl
    def register_template_paths(self, register: Callable[..., None]) -> None:
        register(self.root / "templates")

    @hookimpl
    def on_run_start(self, run: RunStart) -> None:
        self.events.append(f"start:{','.join(run.tasks)}")

    @hookimpl
    def on_sample_end(self, sample: SampleEnd) -> None:
        self.events.append(f"sample:{sample.sample_id}")

    @hookimpl
    def on_run_end(self, run: RunEnd) -> None:
        self.events.append(f"end:{run.output_dir.name}")


def test_every_hookspec_is_exercised(tiny_dataset: Path, tmp_path: Path) -> None:
    (tiny_dataset / "tasks").mkdir()
    (tiny_dataset / "templates").mkdir()
    (tiny_dataset / "templates" / "plain.jinja").write_text("{{ query }}")
    (tiny_dataset / "tasks" / "plugin_task.yaml").write_text(
        "task: plugin_task\ndataset: {name: tiny, config: movie_explicit}\nprompt: {user: plain.jinja}\nmetrics: [always_one]\n"
    )
    (tiny_dataset / "tasks" / "plugin_chat.yaml").write_text(
        "task: plugin_chat\ndataset: {name: tiny, config: movie_explicit}\nprompt: {user: plain.jinja}\nmetrics: [turns_taken]\n"
        "protocol: interactive\nsimulator: {name: agreeable}\n"
    )
    plugin = _AllHooks(tiny_dataset)
    registry = _registry(("allhooks", plugin))
    assert "dummy2" in registry.models() and registry.model("dummy2").obj is _Dummy
    assert registry.generator("nullgen").plugin == "allhooks"
    assert registry.dataset("tiny") is not None
    assert registry.commands()["hello"].plugin == "allhooks"
    assert registry.scoring_set("halved").scorer_for("always_one") == "always_half"
    assert tiny_dataset / "tasks" in registry.task_paths()
    assert tiny_dataset / "templates" in registry.template_paths()

    from rbh.models.spec import parse_model_spec
    from rbh.runner.plan import RunOptions
    from rbh.runner.run import run_evaluation

    set_registry(registry)
    outcome = run_evaluation(
        RunOptions(tasks="plugin_task", model=parse_model_spec("dummy"), output=tmp_path / "out", show_progress=False),
        registry,
    )
    assert outcome.exit_code == 0
    assert outcome.results.tasks["plugin_task"].metrics["always_one"].value == 1.0
    assert plugin.events[0] == "start:plugin_task"
    assert sum(e.startswith("sample:") for e in plugin.events) == 12
    assert plugin.events[-1] == f"end:{outcome.run_dir.name}"
    halved = run_evaluation(
        RunOptions(tasks="plugin_task", model=parse_model_spec("dummy"), output=tmp_path / "out", scoring="halved", show_progress=False),
        registry,
    )
    assert halved.results.scoring == "halved"
    assert halved.results.tasks["plugin_task"].metrics["always_one"].value == 0.5  # reported under the task's metric name
    assert registry.simulators()["agreeable"].plugin == "allhooks"
    assert registry.domains()["podcast"].plugin == "allhooks" and registry.domains()["podcast"].obj.words()["items"] == "episodes"
    chat = run_evaluation(
        RunOptions(tasks="plugin_chat", model=parse_model_spec("dummy"), output=tmp_path / "out", show_progress=False), registry
    )
    assert chat.results.tasks["plugin_chat"].metrics["turns_taken"].value == 1.0  # the simulator accepted the first answer


def test_every_hookspec_is_documented() -> None:
    doc = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    specs = [name for name in dir(hookspecs) if name.startswith(("register_", "on_"))]
    assert len(specs) == 13
    for name in specs:
        assert f"`{name}" in doc, f"docs/plugins.md does not document the hook {name}"
