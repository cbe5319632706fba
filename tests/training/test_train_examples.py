"""The TRL examples on CPU with a tiny model: a few SFT steps, two GRPO steps with the rbh reward,
and `rbh run --model hf:CHECKPOINT` on what they saved (this proves the plumbing, not quality)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from tests.backends.conftest import rbh_main
from tests.backends.tiny_hf import build_tiny_model
from tests.conftest import only_run_dir

ROOT = Path(__file__).resolve().parents[2]
TASK = "movie_explicit_k5"


def _example(name: str):  # noqa: ANN202
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def trained(default_cache, tmp_path_factory):
    import os

    os.environ["RBH_CACHE_DIR"] = str(default_cache)
    root = tmp_path_factory.mktemp("train")
    base = build_tiny_model(root / "base")
    code, _, err = rbh_main("export", "sft", "--tasks", TASK, "--limit", "8", "--format", "prompt-completion", "--out", str(root / "data"))
    assert code == 0, err
    sft = _example("sft").main(["--model", str(base), "--data", str(root / "data"), "--out", str(root / "sft"), "--max-steps", "3", "--batch-size", "2", "--grad-accum", "1", "--lr", "1e-3"])  # fmt: skip
    calls: list[list[float]] = []
    from rbh_recbench import rewards

    original = rewards.Reward.__call__

    def recording(self, prompts=None, completions=(), **columns):  # noqa: ANN001, ANN202
        values = original(self, prompts, completions, **columns)
        expected = original(rewards.combined(self.weights, dataset=self.dataset), prompts, completions, **columns)
        assert values == expected and {"ground_truth", "domain", "k"} <= set(columns)
        calls.append(values)
        return values

    rewards.Reward.__call__ = recording  # type: ignore[method-assign]
    try:
        grpo = _example("grpo").main(
            ["--model", str(root / "sft"), "--data", str(root / "data"), "--out", str(root / "grpo"), "--max-steps", "2",
             "--batch-size", "2", "--num-generations", "2", "--max-completion-length", "16", "--weights", json.dumps({"recall": 1.0, "unresolved": 0.5})]
        )  # fmt: skip
    finally:
        rewards.Reward.__call__ = original  # type: ignore[method-assign]
    return root, sft, grpo, calls


def test_sft_and_grpo_steps_run_with_the_rbh_reward(trained):
    root, sft, grpo, calls = trained
    assert math.isfinite(sft["loss"]) and sft["loss"] > 0
    assert math.isfinite(grpo["loss"])
    assert len(calls) == 2 and all(len(c) == 2 for c in calls)  # two steps, a group of two completions each
    name = "rewards/rbh_1*recall+0.5*unresolved/mean"
    assert grpo[name] == pytest.approx(sum(calls[-1]) / len(calls[-1]))
    assert (root / "grpo" / "config.json").is_file() and (root / "sft" / "tokenizer.json").is_file()


def test_rbh_run_evaluates_the_saved_checkpoints_and_compares_them(trained, tmp_path, default_cache, monkeypatch):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    root = trained[0]
    runs = []
    for name in ("base", "grpo"):
        code, _, err = rbh_main(
            "run", "--tasks", TASK, "--model", f"hf:{root / name}", "--limit", "3", "--gen-kwargs", "max_tokens=12",
            "--output", str(tmp_path / name), "--no-progress", "--no-cache",
        )  # fmt: skip
        assert code == 0, err
        run = only_run_dir(tmp_path / name)
        results = json.loads((run / "results.json").read_text())
        assert results["tasks"][TASK]["counts"]["samples"] == 3
        runs.append(run)
    code, out, err = rbh_main("compare", str(runs[0]), str(runs[1]))
    assert code == 0, err
    assert "recall" in out
