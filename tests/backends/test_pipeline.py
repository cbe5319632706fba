"""Consecutive single-turn tasks share one stream of requests: each task is scored and written as
soon as its own requests are in (while the next task's are in flight), and the completion
service counts every request in its own task's counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pluggy import HookimplMarker

from tests.backends.conftest import SECRET
from tests.conftest import make_dataset

N = 12


def test_a_task_is_written_while_the_next_tasks_requests_are_in_flight(tmp_path: Path, llm_server: Any, monkeypatch: Any) -> None:
    """Two tasks as one stream: each sample is scored and announced (`on_sample_end`) as its
    answer arrives, and the first task is written while the second's requests are in flight."""
    from rbh.models.spec import parse_model_spec
    from rbh.registry import get_registry
    from rbh.runner.plan import RunOptions
    from rbh.runner.run import run_evaluation
    from tests.servers.llm_server import default_responder

    received: list[bool] = []  # per request, in arrival order: was the first task written by then?
    out = tmp_path / "out"

    def responder(route: str, body: dict[str, Any]) -> Any:
        received.append(any(out.glob(".*/samples/movie_explicit.jsonl")))
        return default_responder(route, body)

    server = llm_server(latency=0.05, api_key=SECRET, responder=responder)
    monkeypatch.setenv("RBH_TEST_KEY", SECRET)
    dataset = make_dataset(tmp_path / "ds", n_samples=N)
    delivered_at_first: dict[str, int] = {}

    class Watcher:
        @HookimplMarker("rbh")
        def on_sample_end(self, sample: Any) -> None:
            delivered_at_first.setdefault(sample.task, sum(server.delivered().values()))

    registry = get_registry()
    registry.pm.register(Watcher(), name="watcher")
    spec = parse_model_spec("openai:fake", f"base_url={server.url}/v1,api_key_env=RBH_TEST_KEY,concurrency=2")
    options = RunOptions(
        tasks="movie_explicit,movie_explicit_k5", model=spec, dataset=str(dataset), output=out, show_progress=False, use_cache=False
    )
    outcome = run_evaluation(options, registry)
    assert outcome.exit_code == 0
    first, second = outcome.results.tasks.values()
    assert list(delivered_at_first) == ["movie_explicit", "movie_explicit_k5"]
    assert delivered_at_first["movie_explicit"] <= 2, "the first sample is announced as soon as it is answered, not with its task"
    written_at = received.index(True)
    assert N <= written_at < 2 * N - 2, "the first task is written once its own answers are in, while the second's are in flight"
    assert (first.counts.samples, first.counts.model_calls, second.counts.samples, second.counts.model_calls) == (N, N, N, N)
    assert first.tokens.prompt > 0 and second.tokens.prompt > 0, "tokens are counted per task"
    assert first.wall_time_s + second.wall_time_s <= outcome.results.wall_time_s, "each task's time is its own share"


def test_complete_counts_each_group_and_a_duplicate_nowhere(tmp_path: Path, llm_server: Any) -> None:
    from rbh.completion import CompletionCounts, CompletionService

    server = llm_server(api_key=SECRET)
    ask = [{"role": "user", "content": text} for text in ("a", "b", "a", "c")]
    with CompletionService.open(
        "openai:fake", model_args=f"base_url={server.url}/v1,api_key={SECRET}", cache_path=tmp_path / "c.sqlite"
    ) as service:
        requests = [service.request([m], {"max_tokens": 8}) for m in ask]
        for round_ in ("live", "cached"):
            counts = [CompletionCounts(), CompletionCounts()]
            settled: list[tuple[int, bool]] = []
            completions = service.complete(
                requests, lambda i, c, cached, seen=settled: seen.append((i, cached)), counts, counts_index=lambda i: i // 2
            )
            assert len(completions) == 4 and completions[0].text == completions[2].text
            assert sorted(i for i, _ in settled) == [0, 1, 2, 3]
            if round_ == "live":
                assert (counts[0].model_calls, counts[1].model_calls) == (2, 1), "the repeated 'a' is sent once, by the first group"
                assert (counts[0].cached, counts[1].cached) == (0, 0)
                assert counts[0].prompt_tokens > 0 and counts[1].prompt_tokens > 0
            else:
                assert (counts[0].model_calls, counts[1].model_calls) == (0, 0)
                assert (counts[0].cached, counts[1].cached) == (2, 2)
                assert counts[1].cached_keys == {requests[2].key, requests[3].key}
            assert (counts[0].requests, counts[1].requests) == (2, 2)
    assert sum(server.delivered().values()) == 3
