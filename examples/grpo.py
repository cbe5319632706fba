"""Reinforcement fine-tuning with GRPO and the rbh metrics as rewards (stage 2 of RecBench+'s
SFT → RFT recipe; the paper's best movie-explicit result is SFT then RFT).

    rbh export sft --tasks movie_explicit --split train --format prompt-completion --out data/movie
    python examples/grpo.py --model checkpoints/sft --data data/movie --out checkpoints/grpo
    rbh compare RESULTS/base RESULTS/grpo       # after `rbh run --model hf:checkpoints/grpo`

The reward is `rbh_recbench.rewards`: recall plus small format and unresolved-title terms,
computed with the parser, title resolver and metric code of `rbh run` — the policy is optimised
for exactly the number the benchmark reports. Defaults are the paper's setting (a 3B model on one
GPU); on CPU pass a small model and `--max-steps 2 --num-generations 2 --max-completion-length 16`.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

DEFAULT_WEIGHTS = {"recall": 1.0, "format": 0.2, "unresolved": 0.2}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="Qwen/Qwen2.5-3B-Instruct", help="policy to start from (the SFT checkpoint)")
    p.add_argument("--data", type=Path, required=True, help="folder of `rbh export sft --format prompt-completion`")
    p.add_argument("--dataset", default="rbh-default", help="the rbh dataset the rows came from (catalog and KG for rewards)")
    p.add_argument("--out", type=Path, required=True, help="where the trained checkpoint is saved")
    p.add_argument("--weights", default=json.dumps(DEFAULT_WEIGHTS), help='reward weights as JSON, e.g. \'{"recall": 1, "cmr": 0.5}\'')
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=8, help="prompts x generations per device step")
    p.add_argument("--num-generations", type=int, default=8, help="completions per prompt (the GRPO group)")
    p.add_argument("--max-completion-length", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-6)
    p.add_argument("--beta", type=float, default=0.04, help="KL coefficient")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def checkpointing(config_class: type, on: bool) -> dict[str, bool]:
    """Activation checkpointing on or off (TRL's configs default to on), under the name this
    transformers version reads (`activation_checkpointing` since 5.x, `gradient_checkpointing` before)."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(config_class)}
    return {"activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing": on}


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Train, save to `--out`, and return the logged metrics of the last step (rewards, loss)."""
    import torch
    from datasets import load_dataset
    from transformers import AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from rbh_recbench.rewards import combined

    args = parse_args(argv)
    data = load_dataset(str(args.data), split="train")
    if "prompt" not in data.column_names:
        raise SystemExit("error: GRPO needs a prompt column: export with --format prompt-completion")
    reward = combined(json.loads(args.weights), dataset=args.dataset)
    gpu = torch.cuda.is_available()
    config = GRPOConfig(
        output_dir=str(args.out),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        num_generations=args.num_generations,
        max_completion_length=args.max_completion_length,
        learning_rate=args.lr,
        beta=args.beta,
        bf16=gpu and torch.cuda.is_bf16_supported(),
        use_cpu=not gpu,
        **checkpointing(GRPOConfig, on=gpu),
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        seed=args.seed,
    )
    tokenizer = AutoTokenizer.from_pretrained(args.model, padding_side="left")
    trainer = GRPOTrainer(model=args.model, reward_funcs=[reward], args=config, train_dataset=data, processing_class=tokenizer)
    trainer.train()
    trainer.save_model(str(args.out))
    tokenizer.save_pretrained(str(args.out))
    logged = [h for h in trainer.state.log_history if "loss" in h]
    last = {k: float(v) for k, v in logged[-1].items() if isinstance(v, (int, float))} if logged else {}
    print(f"saved to {args.out}; last step: " + ", ".join(f"{k}={v:.4g}" for k, v in sorted(last.items())))
    assert math.isfinite(last.get("loss", float("nan"))), "GRPO loss is not finite"
    return last


if __name__ == "__main__":
    main()
