"""Paired robustness drops (hand-computed) and history-sweep expansion."""

from __future__ import annotations

import pytest

from rbh.errors import ConfigError
from rbh.models.base import Completion
from rbh.scoring.paired import paired_drops
from rbh.scoring.task_scoring import ScoredSample, TaskScores
from rbh.tasks.config import TaskConfig, expand_sweeps
from tests.scoring.helpers import sample


def scores(subtype: str, recalls: list[float | None], domain: str = "movie") -> TaskScores:
    rows = [
        ScoredSample(
            sample(subtype=subtype, id=f"{subtype}{n}", pair_id=f"p{n}", domain=domain), Completion(text="x"), [], [], {"recall": r}
        )
        for n, r in enumerate(recalls)
    ]
    return TaskScores(rows, {})


def test_paired_drops_are_means_of_pair_differences() -> None:
    tasks = [scores("explicit", [1.0, 0.5, 1.0]), scores("implicit", [0.5, 0.5, None]), scores("misinformed", [0.0, 0.25, 0.0])]
    drops = {(d.source, d.target): d for d in paired_drops(tasks)}
    first = drops[("explicit", "implicit")]  # pairs 0, 1 (pair 2 has no implicit recall): (0.5 + 0) / 2
    assert first.drop == pytest.approx(0.25) and first.pairs == 2 and first.scope == "movie"
    assert first.low is not None and first.high is not None and 0.0 <= first.low <= first.high <= 0.5
    assert drops[("implicit", "misinformed")].drop == pytest.approx((0.5 + 0.25) / 2)
    assert (
        drops[("explicit", "misinformed")].drop == pytest.approx((1.0 + 0.25 + 1.0) / 3) and drops[("explicit", "misinformed")].pairs == 3
    )


def test_paired_drops_need_pairs() -> None:
    plain = TaskScores([ScoredSample(sample(), Completion(text="x"), [], [], {"recall": 1.0})], {})
    assert paired_drops([plain]) == []
    failed = scores("explicit", [1.0])
    failed.samples[0].completion = Completion(text="", error="HTTP 500")
    assert paired_drops([failed, scores("implicit", [0.0])]) == []


def _task(**extra: object) -> TaskConfig:
    return TaskConfig.model_validate({"task": "t", "dataset": {"config": "movie_explicit"}, "prompt": {"user": "u.jinja"}, **extra})


def test_history_sweep_expands_into_one_task_per_size() -> None:
    tasks = expand_sweeps([_task(history_sweep=[0, 5, 20]), _task()])
    assert [t.task for t in tasks] == ["t@h0", "t@h5", "t@h20", "t"]
    assert [t.history_size for t in tasks[:3]] == [0, 5, 20] and all(t.history and t.history_sweep_of == "t" for t in tasks[:3])
    for bad in ([], [5, 5], [-1]):
        with pytest.raises((ConfigError, ValueError)):
            _task(history_sweep=bad)


def test_opt_in_metric_groups_in_the_console(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.backends.conftest import rbh_main
    from tests.conftest import MINI_BENCHMARK

    args = ("run", "--tasks", "movie_explicit", "--model", "bm25", "--dataset", str(MINI_BENCHMARK), "--no-progress")
    code, out, err = rbh_main(*args, "--output", str(tmp_path / "a"), "--metrics", "recall,mrr,coverage")
    assert code == 0, err
    assert "recall ↑" in out and "mrr" not in out and "2 more in results.json: --show-metrics beyond,ranking" in out
    code, out, err = rbh_main(*args, "--output", str(tmp_path / "b"), "--metrics", "recall,mrr,coverage", "--show-metrics", "ranking")
    assert code == 0 and "mrr ↑" in out and "coverage" not in out
    code, out, err = rbh_main(*args, "--output", str(tmp_path / "c"), "--show-metrics", "beyond,nope")
    assert code == 2 and "unknown section 'nope'" in err
    code, out, err = rbh_main(*args, "--output", str(tmp_path / "d"), "--metrics", "recall,mrr", "--breakdown")
    breakdowns = out[out.index("┃ n_conditions") :]
    assert code == 0 and "recall" in breakdowns and "mrr" not in breakdowns  # opt-in groups stay out of breakdowns too
    code, out, err = rbh_main(*args, "--output", str(tmp_path / "e"), "--metrics", "recall,mrr", "--breakdown", "--show-metrics", "ranking")
    assert code == 0 and "mrr" in out[out.index("┃ n_conditions") :]
