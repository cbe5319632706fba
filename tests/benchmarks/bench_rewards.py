"""Reward throughput on one core: completions scored per second by `rbh_recbench.rewards`
(target ≥ 2,000/s). Varied responses over rbh-default's train split: exact answers, partial
answers with wrong and history titles, chatty lists, and made-up titles (fuzzy resolution).

    .venv/bin/python tests/benchmarks/bench_rewards.py
"""

from __future__ import annotations

import random
import time


def main() -> None:
    from rbh import render_task_prompts
    from rbh_recbench.rewards import combined, reward
    from rbh_recbench.sft_export import export_rows

    (prompts,) = render_task_prompts("movie_explicit_history_k5", split="train")
    rows = export_rows(prompts, "prompt-completion")
    columns = {k: [r[k] for r in rows] for k in rows[0] if k not in ("prompt", "completion")}
    catalog = prompts.catalog
    ids = list(catalog.items)
    rng = random.Random(0)
    texts = []
    for n, s in enumerate(prompts.samples):
        truth = [catalog[i].display for i in s.ground_truth]
        picks = [catalog[i].title for i in rng.sample(ids, 4)]
        made_up = f"The {rng.choice(['Last', 'Silent', 'Red'])} {rng.choice(['River', 'Summer', 'Code'])} {n}"
        texts.append(
            [
                " [SEP] ".join(truth[:5]),
                " [SEP] ".join(truth[:1] + picks),
                "Here are some movies:\n1. " + "\n2. ".join(picks + [made_up]),
                " [SEP] ".join([made_up, *[catalog[i].title for i in s.history[:2]], picks[0]]),
            ][n % 4]
        )
    for name, fn in (
        ("recall", reward("recall", dataset=prompts.dataset)),
        (
            "recall+ndcg+cmr+format+penalties",
            combined({"recall": 1, "ndcg": 1, "cmr": 1, "format": 0.2, "unresolved": 0.5, "history_repeat": 0.5}, dataset=prompts.dataset),
        ),
    ):
        fn(None, texts[:64], **{k: v[:64] for k, v in columns.items()})  # warm the catalog's indexes
        start = time.perf_counter()
        for lo in range(0, len(texts), 64):  # GRPO-sized batches
            fn(None, texts[lo : lo + 64], **{k: v[lo : lo + 64] for k, v in columns.items()})
        seconds = time.perf_counter() - start
        print(f"{name}: {len(texts)} completions in {seconds:.2f} s = {len(texts) / seconds:,.0f} completions/s (target 2,000/s)")


if __name__ == "__main__":
    main()
