"""Throughput against a local OpenAI-compatible server: N requests at latency L with concurrency C,
as ratios of the ideal N·L/C, side by side in one invocation — a bare aiohttp client (the floor
the server and the N/C rounds leave to any client), the openai SDK used bare, rbh's `openai`
backend, and the whole `rbh run` process (start-up, planning, the requests of two tasks,
scoring, writing; target ≤ 1.3 × the ideal at N = 1,500, L = 200 ms, C = 64). With `--rate R`
the server is a token bucket of R requests per second answering 429 + Retry-After beyond it, and
the ideal is the rate-bound N / R (target ≤ 1.1 ×). `--lm-eval-python` adds
lm-evaluation-harness's `local-chat-completions` on the same server.

    python tests/benchmarks/bench_api.py [--n 1500] [--latency 0.2] [--concurrency 64] [--floor] [--rbh-run]
        [--rate 50] [--http-client auto|direct|aiohttp|httpx] [--repeat 3] [--lm-eval-python PATH]

The server runs in its own process so that it does not share the client's interpreter. The clock
of the backend figure starts when `generate()` is called; building the model is timed apart.
`--rbh-run` times the real `rbh run` command from process start to exit (the median of
`--repeat` runs), over `movie_explicit` and `movie_implicit` of rbh-default, N/2 samples each
(built first if needed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


SYSTEM = {"role": "system", "content": "You are a movie recommender system. Please output the recommended movies directly."}


def user_turn(i: int) -> dict[str, str]:
    return {"role": "user", "content": f"Query: request {i}\nRecommended movies (separated by [SEP]):"}


def body(i: int) -> dict[str, Any]:
    """The Chat Completions body of request i, as the backend sends it."""
    return {"model": "fake", "messages": [SYSTEM, user_turn(i)], "max_tokens": 64, "temperature": 0}


def start_server(latency: float, rate: float | None = None) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.llm_server", "--latency", str(latency), *(["--rate", str(rate)] if rate else [])],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def bench_rbh(port: int, n: int, concurrency: int, http_client: str) -> tuple[float, float]:
    """Wall seconds and client CPU ms per request of the openai backend's generate()."""
    from rbh.models.base import ChatRequest
    from rbh_openai.model import OpenAIChatModel

    requests = [ChatRequest(key=str(i), messages=(SYSTEM, user_turn(i)), gen={"max_tokens": 64, "temperature": 0}) for i in range(n)]
    built = time.perf_counter()
    model = OpenAIChatModel(
        "fake", base_url=f"http://127.0.0.1:{port}/v1", concurrency=concurrency, http_client=http_client, max_retries=30
    )
    print(f"  (model built in {time.perf_counter() - built:.2f}s, transport {model.transport})")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    done = sum(1 for _, c in model.generate(requests) if not c.error)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    assert done == n, f"{n - done} requests failed"
    cpu = (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime) / n * 1000
    return wall, cpu


async def _gated(n: int, concurrency: int, one: Callable[[int], Awaitable[Any]]) -> float:
    """Wall seconds of `one(0..n-1)` with at most `concurrency` in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def gated(i: int) -> None:
        async with gate:
            await one(i)

    start = time.perf_counter()
    await asyncio.gather(*(gated(i) for i in range(n)))
    return time.perf_counter() - start


def bench_floor(port: int, n: int, concurrency: int) -> float:
    """Wall seconds of a bare aiohttp client (no SDK, no retries) on the same workload: the floor
    that the server and the lock-step of N/C rounds leave to any client."""
    import aiohttp

    async def run() -> float:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

            async def one(i: int) -> None:
                async with session.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body(i)) as response:
                    await response.read()

            return await _gated(n, concurrency, one)

    return asyncio.run(run())


def bench_sdk(port: int, n: int, concurrency: int) -> float:
    """Wall seconds of the openai SDK used directly (AsyncOpenAI with its aiohttp transport,
    a semaphore, `client.post` of the same bodies): what the SDK itself costs, without rbh."""
    from openai import AsyncOpenAI, DefaultAioHttpClient

    async def run() -> float:
        client = AsyncOpenAI(api_key="unused", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0, http_client=DefaultAioHttpClient())
        try:
            return await _gated(n, concurrency, lambda i: client.post("/chat/completions", body=body(i), cast_to=bytes))
        finally:
            await client.close()

    return asyncio.run(run())


def bench_rbh_run(port: int, n: int, concurrency: int) -> float:
    """Wall seconds of the whole `rbh run` process for n requests: movie_explicit and
    movie_implicit of rbh-default, n/2 samples each, nothing cached."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BENCH_KEY": "unused"}
        cmd = [
            str(Path(sys.executable).parent / "rbh"), "run", "--tasks", "movie_explicit,movie_implicit", "--limit", str(n // 2),
            "--model", "openai:fake", "--model-args", f"base_url=http://127.0.0.1:{port}/v1,api_key_env=BENCH_KEY,max_retries=30",
            "--concurrency", str(concurrency), "--output", str(Path(tmp) / "out"), "--no-cache", "--no-progress",
        ]  # fmt: skip
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-2000:])
        [results] = (Path(tmp) / "out").glob("*/results.json")
        counts = [t["counts"] for t in json.loads(results.read_text())["tasks"].values()]
        if sum(c["model_calls"] for c in counts) != n - n % 2 or any(c["errors"] for c in counts):
            raise RuntimeError(f"rbh run did not answer every request: {counts}")
        return wall


def bench_lm_eval(python: str, port: int, n: int, concurrency: int) -> float:
    """Wall seconds of `lm_eval --model local-chat-completions` on a local JSON task of n prompts."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = [{"query": f"Query: request {i}\nRecommended movies (separated by [SEP]):", "answer": "x"} for i in range(n)]
        (folder / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
        (folder / "rbhbench.yaml").write_text(
            "task: rbhbench\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: " + str(folder / "data.jsonl") + "\n"
            "test_split: test\noutput_type: generate_until\ndoc_to_text: '{{query}}'\ndoc_to_target: '{{answer}}'\n"
            "generation_kwargs:\n  until: []\n  max_gen_toks: 64\n  do_sample: false\nmetric_list:\n  - metric: exact_match\n"
        )
        cmd = [
            python,
            "-m",
            "lm_eval",
            "--model",
            "local-chat-completions",
            "--tasks",
            "rbhbench",
            "--include_path",
            str(folder),
            "--apply_chat_template",
            "--model_args",
            f"model=fake,base_url=http://127.0.0.1:{port}/v1/chat/completions,num_concurrent={concurrency},max_retries=3,tokenized_requests=False",
            "--output_path",
            str(folder / "out"),
        ]
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "OPENAI_API_KEY": "EMPTY", "HF_DATASETS_OFFLINE": "1"}
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--rate", type=float, default=None, help="the server answers at most this many requests per second (429 + Retry-After)"
    )
    parser.add_argument("--http-client", default="auto", choices=("auto", "direct", "aiohttp", "httpx"))
    parser.add_argument("--repeat", type=int, default=1, help="measure the backend and the rbh run this many times; print medians")
    parser.add_argument("--floor", action="store_true", help="also time a bare aiohttp client and the bare openai SDK on the same server")
    parser.add_argument("--rbh-run", action="store_true", help="also time the whole `rbh run` process (builds rbh-default first if needed)")
    parser.add_argument("--lm-eval-python", default=None, help="python of a venv with lm-eval installed")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    proc, port = start_server(args.latency, args.rate)
    try:
        ideal = args.n * args.latency / args.concurrency
        target = 1.3
        if args.rate:
            ideal, target = max(ideal, args.n / args.rate), 1.1
            print(f"token bucket of {args.rate:g} requests/s: rate-bound ideal N/R = {ideal:.2f}s")
        else:
            print(f"N={args.n} L={args.latency}s C={args.concurrency}: ideal N·L/C = {ideal:.2f}s")
        if args.floor and not args.rate:
            floor = bench_floor(port, args.n, args.concurrency)
            print(f"  bare aiohttp client (no SDK, no retries)   {floor:6.2f}s  ratio {floor / ideal:.3f}")
            sdk = bench_sdk(port, args.n, args.concurrency)
            print(f"  openai SDK alone (aiohttp transport)       {sdk:6.2f}s  ratio {sdk / ideal:.3f}")
        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu = bench_rbh(port, args.n, args.concurrency, args.http_client)
            walls.append(wall)
            cpus.append(cpu)
        wall = statistics.median(walls)
        print(
            f"  rbh openai backend ({args.http_client:>6})            {wall:6.2f}s  ratio {wall / ideal:.3f}  client CPU {statistics.median(cpus):.2f} ms/request"
        )
        if args.rbh_run:
            run_wall = statistics.median(bench_rbh_run(port, args.n, args.concurrency) for _ in range(args.repeat))
            print(f"  rbh run, whole process (2 tasks)           {run_wall:6.2f}s  ratio {run_wall / ideal:.3f}  (target <= {target})")
        if args.lm_eval_python:
            lm_wall = bench_lm_eval(args.lm_eval_python, port, args.n, args.concurrency)
            print(f"  lm-eval local-chat-completions, whole      {lm_wall:6.2f}s  ratio {lm_wall / ideal:.3f}")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
