"""Benchmark (a): N requests at latency L with concurrency C against the local fake server, as a
ratio of the ideal N·L/C (target ≤ 1.1), and the same workload through lm-evaluation-harness's
`local-chat-completions` model when an lm-eval venv is given.

    python tests/benchmarks/bench_api.py [--n 2000] [--latency 0.2] [--concurrency 64] [--lm-eval-python /tmp/lmeval-venv/bin/python]

The server runs in its own process so that it does not share the client's interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def start_server(latency: float) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.servers.llm_server", "--latency", str(latency)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def bench_rbh(port: int, n: int, concurrency: int, http_client: str) -> tuple[float, float]:
    """Wall seconds and client CPU ms per request of the openai backend's generate()."""
    from rbh.models.base import ChatRequest
    from rbh_openai.model import OpenAIChatModel

    system = {"role": "system", "content": "You are a movie recommender system. Please output the recommended movies directly."}
    requests = [ChatRequest(key=str(i), messages=(system, {"role": "user", "content": f"Query: request {i}\nRecommended movies (separated by [SEP]):"}),
                            gen={"max_tokens": 64, "temperature": 0}) for i in range(n)]
    model = OpenAIChatModel("fake", base_url=f"http://127.0.0.1:{port}/v1", concurrency=concurrency, http_client=http_client)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    done = sum(1 for _, c in model.generate(requests) if not c.error)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    assert done == n, f"{n - done} requests failed"
    cpu = (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime) / n * 1000
    return wall, cpu


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
        cmd = [python, "-m", "lm_eval", "--model", "local-chat-completions", "--tasks", "rbhbench", "--include_path", str(folder),
               "--apply_chat_template", "--model_args",
               f"model=fake,base_url=http://127.0.0.1:{port}/v1/chat/completions,num_concurrent={concurrency},max_retries=3,tokenized_requests=False",
               "--output_path", str(folder / "out")]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OPENAI_API_KEY": "EMPTY", "HF_DATASETS_OFFLINE": "1"})
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--http-client", default="auto", choices=("auto", "aiohttp", "httpx"))
    parser.add_argument("--lm-eval-python", default=None, help="python of a venv with lm-eval installed")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    proc, port = start_server(args.latency)
    try:
        ideal = args.n * args.latency / args.concurrency
        wall, cpu = bench_rbh(port, args.n, args.concurrency, args.http_client)
        print(f"rbh openai backend ({args.http_client}): N={args.n} L={args.latency}s C={args.concurrency}: "
              f"wall {wall:.2f}s, ideal {ideal:.2f}s, ratio {wall / ideal:.3f} (target <= 1.1), client CPU {cpu:.2f} ms/request")
        if args.lm_eval_python:
            lm_wall = bench_lm_eval(args.lm_eval_python, port, args.n, args.concurrency)
            print(f"lm-eval local-chat-completions: wall {lm_wall:.2f}s (whole command, incl. startup), ratio {lm_wall / ideal:.3f}")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
