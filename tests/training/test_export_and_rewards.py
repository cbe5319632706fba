"""`rbh export sft` renders evaluation's prompts; the rbh rewards equal evaluation's metrics."""

from __future__ import annotations

import pytest

from tests.backends.conftest import rbh_main

TASK = "movie_explicit_history_k5"


@pytest.fixture(autouse=True)
def _cache(default_cache, monkeypatch):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))


def test_export_renders_the_prompts_rbh_run_sends(tmp_path):
    from rbh import get_registry
    from rbh.models.spec import parse_model_spec
    from rbh.runner.plan import RunOptions, plan_run
    from rbh.runner.selection import Selection

    code, out, err = rbh_main("export", "sft", "--tasks", TASK, "--split", "test", "--force", "--limit", "5", "--out", str(tmp_path))
    assert code == 0, err
    assert "warning" in err and "test split" in err
    import pyarrow.parquet as pq

    rows = pq.read_table(tmp_path / "test.parquet").to_pylist()
    options = RunOptions(tasks=TASK, model=parse_model_spec("oracle"), selection=Selection(limit=5), use_cache=False, output=tmp_path)
    plan = plan_run(options, get_registry())
    try:
        evaluated = [[dict(m) for m in messages] for messages in plan.tasks[0].messages]
    finally:
        plan.service.close()
    assert [r["messages"][:-1] for r in rows] == evaluated
    assert all(
        r["messages"][-1]["role"] == "assistant" and "[SEP]" in r["messages"][-1]["content"] or len(r["ground_truth"]) == 1 for r in rows
    )
    assert "user has watched" in rows[0]["messages"][1]["content"]


def test_export_refuses_the_test_split_and_writes_jsonl_prompt_completion(tmp_path):
    code, _, err = rbh_main("export", "sft", "--tasks", TASK, "--split", "test", "--out", str(tmp_path / "t"))
    assert code == 2 and err.count("\n") == 1 and "contaminat" in err and not (tmp_path / "t").exists()
    code, out, err = rbh_main(
        "export", "sft", "--tasks", "movie_explicit,book_implicit", "--limit", "4", "--format", "prompt-completion", "--file-type", "jsonl", "--out", str(tmp_path / "v"), "--split", "validation"
    )  # fmt: skip
    assert code == 0, err
    import datasets

    data = datasets.load_dataset(str(tmp_path / "v"), split="validation")
    assert data.num_rows == 8 and {"prompt", "completion", "ground_truth", "domain"} <= set(data.column_names)
    assert data[0]["prompt"][-1]["role"] == "user" and data[0]["completion"][0]["role"] == "assistant"
    code, _, err = rbh_main("export", "sft", "--tasks", "movie_explicit", "--split", "nope", "--out", str(tmp_path / "n"))
    assert code == 2 and "no split 'nope'" in err


@pytest.fixture(scope="module")
def scored(default_cache):
    """Varied responses to train samples, scored by evaluation's `score_task`."""
    import os

    os.environ["RBH_CACHE_DIR"] = str(default_cache)
    from rbh import Completion, get_registry, render_task_prompts
    from rbh.scoring.task_scoring import build_scorers, score_task
    from rbh_recbench.sft_export import export_rows

    registry = get_registry()
    (prompts,) = render_task_prompts(TASK, split="train", limit=40, registry=registry)
    catalog = prompts.catalog
    texts = []
    for n, s in enumerate(prompts.samples):
        truth = [catalog[i].display for i in s.ground_truth]
        other = [catalog[i].title for i in list(catalog.items)[n : n + 3]]
        history = [catalog[i].title for i in s.history[:2]]
        texts.append(
            [
                " [SEP] ".join(truth[:1] + other),
                "Here are some movies you may like:\n1. " + "\n2. ".join(other + history),
                " [SEP] ".join(["Not A Real Film Zzq", *truth[1:2], *history]),
                "",
            ][n % 4]
        )
    task = prompts.task.model_copy(
        update={"metrics": [type(prompts.task.metrics[0])(name=m) for m in ("recall", "ndcg", "cmr", "unresolved", "history_repeat")]}
    )
    scores = score_task(
        task, prompts.samples, [Completion(text=t) for t in texts], catalog, prompts.kg, build_scorers(task, registry), k=prompts.k
    )
    rows = export_rows(prompts, "prompt-completion")
    columns = {key: [r[key] for r in rows] for key in rows[0] if key not in ("prompt", "completion")}
    return prompts, texts, scores, columns


def test_rewards_equal_the_evaluation_metrics(scored):
    from rbh_recbench.rewards import combined, reward

    prompts, texts, scores, columns = scored
    mix = combined({"recall": 1.0, "ndcg": 1.0, "cmr": 1.0, "unresolved": 1.0, "history_repeat": 1.0}, dataset=prompts.dataset)
    values = mix.components(texts, **columns)
    for row, sample in zip(values, scores.samples):
        for name in ("recall", "ndcg", "cmr"):
            assert row[name] == pytest.approx(sample.metrics.get(name) or 0.0), name
        for name in ("unresolved", "history_repeat"):
            assert row[name] == pytest.approx(-(sample.metrics.get(name) or 0.0)), name
    assert any(0 < row["recall"] < 1 for row in values) and any(row["unresolved"] < 0 for row in values)
    assert any(row["history_repeat"] < 0 for row in values)
    conversational = [[{"role": "assistant", "content": t}] for t in texts]
    single = reward("recall", dataset=prompts.dataset)
    assert single(prompts=None, completions=conversational, **columns) == [v["recall"] for v in values]
    weighted = combined({"recall": 2.0, "unresolved": 0.5}, dataset=prompts.dataset)(None, texts, **columns)
    assert weighted == pytest.approx([2 * v["recall"] + 0.5 * v["unresolved"] for v in values])


def test_the_exported_answer_earns_full_reward(scored):
    from rbh_recbench.rewards import combined

    prompts, _, _, columns = scored
    from rbh_recbench.sft_export import export_rows

    answers = [r["completion"] for r in export_rows(prompts, "prompt-completion")]
    values = combined({"recall": 1.0, "format": 1.0}, dataset=prompts.dataset).components(answers, **columns)
    truth_sizes = [len(g) for g in columns["ground_truth"]]
    assert all(v["format"] == 1.0 for v in values)
    assert all(v["recall"] == pytest.approx(min(1.0, 5 / n)) for v, n in zip(values, truth_sizes))


def test_format_reward_and_bad_names(scored):
    from rbh_recbench.rewards import is_well_formed, reward

    assert is_well_formed("Heat (1995) [SEP] Ronin", "sep", 5)
    assert is_well_formed("Heat", "sep", 5)
    assert not is_well_formed("Heat [SEP] Ronin [SEP] Alien", "sep", 2)
    assert not is_well_formed("Sure! Here are some movies you will love: Heat [SEP] Ronin", "sep", 5)
    assert not is_well_formed("1. Heat\n2. Ronin", "sep", 5)
    assert not is_well_formed("", "sep", 5)
    assert is_well_formed('["Heat", "Ronin"]', "json", 5)
    with pytest.raises(ValueError, match="unknown reward"):
        reward("accuracy", dataset=scored[0].dataset)
