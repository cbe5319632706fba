"""Interactive runs that survive a SIGKILL mid-conversation (no answered turn sent again), that
go through a provider batch per turn, and the `llm` simulator's leakage guard against a
simulator model that leaks."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.backends.conftest import SECRET, cached_count, kill_once_cached
from tests.conftest import REPO, only_run_dir, run_cli
from tests.interactive.conftest import LIMIT, TASKS, asker
from tests.servers.llm_server import Reply


def _args(server: Any, backend: str = "openai", tasks: str = TASKS, limit: str = LIMIT) -> list[str]:
    return [
        "run", "--tasks", tasks, "--limit", limit, "--model", f"{backend}:fake", "--no-progress",
        "--model-args", f"base_url={server.url}{'/v1' if backend == 'openai' else ''},api_key_env=RBH_TEST_KEY,concurrency=2,batch_poll=0.01",
    ]  # fmt: skip


def test_sigkill_mid_conversation_then_resume_sends_no_answered_turn_again(tmp_path, llm_server, answers, default_cache):
    server = llm_server(api_key=SECRET, responder=asker(answers), latency=0.05)
    cache = tmp_path / "cache.sqlite"
    env = {**os.environ, "RBH_TEST_KEY": SECRET, "RBH_CACHE_DIR": str(default_cache)}
    base = _args(server, limit="40")
    total = 2 * 2 * 40  # two tasks, forty conversations, two turns each
    kill_once_cached([*base, "--cache", str(cache), "--output", str(tmp_path / "killed")], cache, 60, env, deadline_s=120)
    cached_before = cached_count(cache)
    delivered_before = set(server.delivered())
    assert 40 < cached_before < total, cached_before

    server.reset_log()
    resumed = run_cli(*base, "--cache", str(cache), "--output", str(tmp_path / "resumed"), env=env)
    assert resumed.code == 0, resumed.err
    again = {e.key for e in server.log} & delivered_before
    assert len(again) <= len(delivered_before) - cached_before, "an answered (cached) turn was requested again"
    assert len(server.log) == total - cached_before and server.duplicates() == {}
    tasks = json.loads((only_run_dir(tmp_path / "resumed") / "results.json").read_text())["tasks"]
    assert all(t["metrics"]["success@2"]["value"] == 1.0 for t in tasks.values())
    assert sum(t["counts"]["cached"] for t in tasks.values()) == cached_before


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_batch_mode_sends_one_batch_per_turn(tmp_path, batch_server, answers, monkeypatch, default_cache, backend):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    server = batch_server(polls_per_state=1, responder=asker(answers))
    result = run_cli(*_args(server, backend), "--batch", "--no-cache", "--output", str(tmp_path / "batch"), env={"RBH_TEST_KEY": SECRET})
    assert result.code == 0, result.err
    assert server.created() == 4, "two tasks × two turns, one provider batch each"
    assert all(n == 1 for n in server.submitted.values())
    tasks = json.loads((only_run_dir(tmp_path / "batch") / "results.json").read_text())["tasks"]
    assert all(t["metrics"]["success@2"]["value"] == 1.0 and t["metrics"]["success@1"]["value"] == 0.0 for t in tasks.values())


def _leaky(answers: dict[str, list[str]], stubborn: bool):
    """A simulator model that adds every conversation's first ground-truth title to its reply —
    on its first attempt at each reply, or on every attempt when `stubborn` — and otherwise words
    the draft as it is."""
    leak = " or ".join(titles[0] for titles in answers.values())

    def respond(route: str, body: dict[str, Any]) -> Reply:
        prompt = body["messages"][-1]["content"]
        draft = prompt.split('Draft of your reply: "', 1)[1].split('"\n', 1)[0]
        if stubborn or "(Attempt" not in prompt:
            return Reply(f"{draft} Maybe something like {leak}?")
        return Reply(draft)

    return respond


@pytest.mark.parametrize("stubborn", [False, True])
def test_llm_simulator_guard_counts_reasks_and_flags_leaks(tmp_path, llm_server, answers, monkeypatch, default_cache, stubborn):
    """The assistant recommends nothing useful, so the user answers every turn; the simulator model
    leaks a ground-truth title. The guard re-asks (leak_rate counts the replies it rejected) and,
    when every attempt leaks, sends the draft and flags the conversation."""
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    user = llm_server(api_key=SECRET, responder=_leaky(answers, stubborn))
    assistant = llm_server(api_key=SECRET, responder=lambda route, body: Reply("What kind of mood are you in?"))
    task_file = _leaky_user_task(tmp_path, user)
    result = run_cli(*_args(assistant, tasks=str(task_file)), "--no-cache", "--output", str(tmp_path / "out"), env={"RBH_TEST_KEY": SECRET})
    assert result.code == 0, result.err
    run = only_run_dir(tmp_path / "out")
    metrics = metrics_of(tmp_path / "out")
    rows = [json.loads(line) for line in (run / "samples" / "leaky_user.jsonl").read_text().splitlines()]
    assert metrics["leak_rate"]["value"] == 1.0, "every reply leaked at least once"
    for row in rows:
        conversation = row["conversation"]
        assert conversation["guarded"] and conversation["flagged"] is stubborn
        first, last = conversation["turns"]
        assert first["leaks"] == (3 if stubborn else 1) and last["leaks"] == 0, "the last turn's reply is the draft (no request)"
        truth = [t.rsplit(" (", 1)[0] for t in answers[conversation["opening"]]]
        assert not any(t in turn["user"] for turn in (first, last) for t in truth), "no leaked reply reaches the assistant"
    assert user.log and user.duplicates() == {}


def _leaky_user_task(tmp_path: Any, user: Any, **options: str) -> Any:
    extra = "".join(f", {k}: '{v}'" for k, v in options.items())
    simulator = (
        f"{{name: llm, options: {{model: 'openai:fake-user', model_args: 'base_url={user.url}/v1,api_key_env=RBH_TEST_KEY'{extra}}}}}"
    )
    task_file = tmp_path / "task.yaml"
    task_file.write_text(
        "include: " + str(REPO / "tasks/recbench/interactive/_interactive.yaml") + "\n"
        "task: leaky_user\ndataset: {name: rbh-default, config: movie_explicit, split: test}\n"
        f"max_turns: 2\nsimulator: {simulator}\n",
        encoding="utf-8",
    )
    return task_file


def test_llm_simulator_templates_from_a_directory_see_conditions_and_the_conversation(
    tmp_path, llm_server, answers, monkeypatch, default_cache
):
    """`templates:` names a directory of the user's own; its templates get the conditions (kind,
    revealed) and the conversation so far, and what they render is what the simulator model is sent."""
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    folder = tmp_path / "my_user"
    folder.mkdir()
    (folder / "system.jinja").write_text("You are a {{ item }} fan.", encoding="utf-8")
    (folder / "user.jinja").write_text(
        "{% for c in conditions %}[{{ c.kind }}|{{ 'yes' if c.revealed else 'no' }}|{{ c.relation }}={{ c.entity }}]{% endfor %}\n"
        "{% for m in conversation %}<{{ m.role }}>{% endfor %}\n"
        'Draft of your reply: "{{ draft }}"\n',
        encoding="utf-8",
    )
    sent: list[list[dict[str, Any]]] = []

    def word_the_draft(route: str, body: dict[str, Any]) -> Reply:
        sent.append(body["messages"])
        return Reply(body["messages"][-1]["content"].split('Draft of your reply: "', 1)[1].split('"', 1)[0])

    user = llm_server(api_key=SECRET, responder=word_the_draft)
    assistant = llm_server(api_key=SECRET, responder=lambda route, body: Reply("What kind of mood are you in?"))
    task_file = _leaky_user_task(tmp_path, user, templates=str(folder))
    result = run_cli(*_args(assistant, tasks=str(task_file)), "--no-cache", "--output", str(tmp_path / "out"), env={"RBH_TEST_KEY": SECRET})
    assert result.code == 0, result.err
    assert sent, "the simulator model was asked"
    kept_back = 0
    for system, prompt in sent:
        assert system["content"] == "You are a movie fan."
        lines = prompt["content"].splitlines()
        assert lines[1] == "<user><assistant>", "the opening, then the assistant's first message"
        conditions = [part.split("|") for part in lines[0].strip("[]").split("][")]
        assert conditions and all(kind in {"volunteered", "on_ask", "hidden"} for kind, _, _ in conditions)
        assert all(revealed == "yes" for kind, revealed, _ in conditions if kind == "volunteered")
        kept_back += sum(revealed == "no" for _, revealed, _ in conditions)
    assert kept_back, "conditions not revealed yet are told apart"
    assert metrics_of(tmp_path / "out")["leak_rate"]["value"] == 0.0


def test_llm_simulator_templates_that_do_not_exist_is_one_line_and_exit_2(tmp_path, llm_server, monkeypatch, default_cache):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    assistant = llm_server(api_key=SECRET, responder=lambda route, body: Reply("Hi"))
    task_file = _leaky_user_task(tmp_path, assistant, templates="simulator/nowhere")
    result = run_cli(*_args(assistant, tasks=str(task_file)), "--no-cache", "--output", str(tmp_path / "out"), env={"RBH_TEST_KEY": SECRET})
    assert result.code == 2
    assert "simulator llm: templates 'simulator/nowhere' has no simulator/nowhere/system.jinja" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("results.json"))


def metrics_of(out: Any) -> dict[str, Any]:
    return json.loads((only_run_dir(out) / "results.json").read_text())["tasks"]["leaky_user"]["metrics"]
