"""Supervised fine-tuning on rbh training data (stage 1 of RecBench+'s SFT → RFT recipe).

    rbh export sft --tasks movie_explicit --split train --format prompt-completion --out data/movie
    python examples/sft.py --data data/movie --out checkpoints/sft            # Qwen2.5-3B, one GPU
    rbh run --tasks movie_explicit --model hf:checkpoints/sft                  # evaluate it on test

The defaults are the paper's setting (Qwen/Qwen2.5-3B-Instruct, bf16 on one GPU); on CPU pass a
small model, e.g. `--model PATH --max-steps 4 --batch-size 2` (the tests do, with a tiny Llama).
Only the assistant turn (the ground-truth titles) is trained on; the prompt is the one `rbh run`
renders, so the model learns to answer exactly what evaluation will ask.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="Qwen/Qwen2.5-3B-Instruct", help="base model (Hub name or folder)")
    p.add_argument("--data", type=Path, required=True, help="folder written by `rbh export sft` (train.parquet)")
    p.add_argument("--out", type=Path, required=True, help="where the fine-tuned checkpoint is saved")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=-1, help="stop after N optimizer steps (-1: run the epochs)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--grad-accum", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-5)
    p.add_argument("--max-length", type=int, default=1024)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def checkpointing(config_class: type, on: bool) -> dict[str, bool]:
    """Activation checkpointing on or off (TRL's configs default to on), under the name this
    transformers version reads (`activation_checkpointing` since 5.x, `gradient_checkpointing` before)."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(config_class)}
    return {"activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing": on}


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Train, save the model and tokenizer to `--out`, and return the final training metrics."""
    import torch
    from datasets import load_dataset
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    args = parse_args(argv)
    data = load_dataset(str(args.data), split="train")
    gpu = torch.cuda.is_available()
    config = SFTConfig(
        output_dir=str(args.out),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        learning_rate=args.lr,
        max_length=args.max_length,
        bf16=gpu and torch.cuda.is_bf16_supported(),
        use_cpu=not gpu,
        **checkpointing(SFTConfig, on=gpu),
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        seed=args.seed,
    )
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    trainer = SFTTrainer(model=args.model, args=config, train_dataset=data, processing_class=tokenizer)
    result = trainer.train()
    trainer.save_model(str(args.out))
    tokenizer.save_pretrained(str(args.out))
    metrics = {k: float(v) for k, v in result.metrics.items() if isinstance(v, (int, float))}
    metrics["loss"] = float(result.training_loss)
    print(f"saved to {args.out}; training loss {metrics['loss']:.4f}")
    assert math.isfinite(metrics["loss"]), "training loss is not finite"
    return metrics


if __name__ == "__main__":
    main()
