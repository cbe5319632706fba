"""Benchmark (b): `hf` backend tokens/s with the tiny random Llama at batch 1 vs batch 16 (CPU).

python tests/benchmarks/bench_hf.py [--requests 64] [--max-tokens 32]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tests.backends.tiny_hf import build_tiny_model

    from rbh.models.base import ChatRequest
    from rbh_hf.model import HFModel

    with tempfile.TemporaryDirectory() as tmp:
        folder = build_tiny_model(Path(tmp) / "tiny", hidden=128, layers=4)
        requests = [
            ChatRequest(
                key=str(i),
                messages=({"role": "user", "content": f"Recommend films like number {i}."},),
                gen={"max_tokens": args.max_tokens},
            )
            for i in range(args.requests)
        ]
        for batch in (1, 16):
            model = HFModel(str(folder), batch_size=batch, dtype="float32")
            model.load()
            start = time.perf_counter()
            tokens = sum(c.usage.completion_tokens for _, c in model.generate(requests))
            wall = time.perf_counter() - start
            print(f"hf tiny llama, batch {batch:2d}: {tokens} tokens in {wall:.2f}s = {tokens / wall:.0f} tokens/s")


if __name__ == "__main__":
    main()
