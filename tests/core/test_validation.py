"""The plan is the single point of validation (docs/design.md §7): every misconfiguration is one line,
exit 2, no run folder — and a counting local server receives zero requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends.conftest import rbh_main
from tests.conftest import make_dataset
from tests.servers.llm_server import LLMServer


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("ds") / "tiny", n_samples=4)


def _task(tmp_path: Path, metrics: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(f"task: t\ndataset: {{config: movie_explicit}}\nprompt: {{user: recommend/user.jinja}}\nmetrics: {metrics}\n")
    return path


def _not_a_cache(tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    return path


CASES = {
    "unknown metric": (lambda t: ["--tasks", str(_task(t, "[recall, no_such_metric]"))], "no_such_metric"),
    "bad metric options": (lambda t: ["--tasks", str(_task(t, "[{name: recall, options: {bogus: 1}}]"))], "recall"),
    "unwritable output": (lambda t: ["--output", "/proc/x"], "--output /proc/x"),
    "output under a file": (lambda t: ["--output", str(_not_a_cache(t) / "runs")], "is not a folder"),
    "model arg of the wrong type": (lambda t: ["--model-args", "timeout=abc"], "timeout"),
    "unknown model arg": (lambda t: ["--model-args", "tiemout=5"], "tiemout"),
    "gen kwargs typo": (lambda t: ["--gen-kwargs", "temprature=0.5"], "temprature"),
    "gen kwargs bad value": (lambda t: ["--gen-kwargs", "max_tokens=-5"], "max_tokens"),
    "unknown scoring set": (lambda t: ["--scoring", "offical"], "offical"),
    "dataset missing": (lambda t: ["--dataset", str(t / "nowhere")], "nowhere"),
    "cache is not a database": (lambda t: ["--cache", str(_not_a_cache(t))], "response cache"),
    "cache cannot be created": (lambda t: ["--cache", "/proc/x/cache.sqlite"], "response cache"),
    "unknown task": (lambda t: ["--tasks", "movie_explict"], "movie_explict"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_misconfiguration_costs_nothing(case: str, server: LLMServer, dataset: Path, tmp_path: Path) -> None:
    extra, needle = CASES[case]
    args = {
        "--tasks": "movie_explicit",
        "--model": "openai:gpt-test",
        "--dataset": str(dataset),
        "--output": str(tmp_path / "out"),
        "--model-args": f"base_url={server.url}",
    }
    given = extra(tmp_path)
    for flag, value in zip(given[::2], given[1::2]):
        args[flag] = f"base_url={server.url},{value}" if flag == "--model-args" else value
    server.reset_log()
    code, out, err = rbh_main("run", *(x for pair in args.items() for x in pair), "--no-progress")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], err
    assert len(server.log) == 0, f"{case}: the server received {len(server.log)} request(s)"
    assert not (tmp_path / "out").exists()


def test_the_same_run_configured_well_does_reach_the_server(server: LLMServer, dataset: Path, tmp_path: Path) -> None:
    """The control: the counting server does count."""
    server.reset_log()
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--model", "openai:gpt-test", "--dataset", str(dataset),
        "--output", str(tmp_path / "out"), "--model-args", f"base_url={server.url}", "--no-progress", "--no-cache",
    )  # fmt: skip
    assert code == 0, err
    assert len(server.log) == 4


@pytest.mark.parametrize(
    "model_args,needle",
    [("sed=3", "'sed'"), ("n=abc", "n='abc'"), ("n=-5", "n must be"), ("n=0", "n must be")],
)
def test_baseline_model_args_are_checked(model_args: str, needle: str, dataset: Path, tmp_path: Path) -> None:
    code, _, err = rbh_main(
        "run", "--tasks", "movie_explicit", "--model", "random", "--model-args", model_args,
        "--dataset", str(dataset), "--output", str(tmp_path / "out"), "--no-progress",
    )  # fmt: skip
    assert code == 2 and needle in err, err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("folder", ["/proc/rbh-cache", "/proc", "FILE"])
def test_an_unusable_cache_folder_is_one_line_exit_2(folder: str, dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RBH_CACHE_DIR that cannot be created, written, or is a file: a usage error naming it (it
    used to be an internal error, exit 1), before anything is built or written."""
    if folder == "FILE":
        folder = str(tmp_path / "a-file")
        Path(folder).write_text("x")
    monkeypatch.setenv("RBH_CACHE_DIR", folder)
    code, out, err = rbh_main("run", "--tasks", "movie_explicit", "--model", "oracle", "--limit", "2", "--output", str(tmp_path / "out"))
    assert code == 2, err
    assert err.startswith(f"error: cannot use RBH_CACHE_DIR={folder}: ") and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()


def test_backend_arguments_are_inherited_not_restated() -> None:
    """openai and anthropic name only their own arguments (and the defaults they change); the
    common ones come from ApiModel, checked the same way, and nothing internal leaks in."""
    import inspect

    from rbh.errors import UsageError
    from rbh.models import ApiModel
    from rbh.models.arguments import accepted_args, check_model_args
    from rbh_anthropic.model import AnthropicModel
    from rbh_openai.model import OpenAIChatModel

    common = set(accepted_args(ApiModel))
    assert {"base_url", "api_key", "concurrency", "timeout", "batch", "price_in"} <= common and "custom_server" not in common
    assert set(accepted_args(OpenAIChatModel)) == common | {"max_tokens_param", "http_client", "reasoning_effort"}
    assert set(accepted_args(AnthropicModel)) == common | {"reasoning_effort"}
    assert accepted_args(AnthropicModel)["concurrency"].default == 16 and accepted_args(OpenAIChatModel)["concurrency"].default == 32
    own = [p for p in inspect.signature(OpenAIChatModel.__init__).parameters if p not in ("self", "model_name", "base_args")]
    assert own == ["max_tokens_param", "http_client", "reasoning_effort"], "the subclass restates nothing"
    with pytest.raises(UsageError, match="openai retry_base_delay='soon'"):
        check_model_args(OpenAIChatModel, {"retry_base_delay": "soon"})
    with pytest.raises(UsageError, match="does not take 'custom_server'"):
        check_model_args(AnthropicModel, {"custom_server": True})
