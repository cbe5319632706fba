"""Data parallel for the `vllm` backend: one worker process per data-parallel rank, as vLLM
documents for offline inference (a single `LLM(data_parallel_size=N)` is refused by vLLM).

Each worker (a spawned process: CUDA cannot fork) builds its own `LLM` on its own GPUs, answers
a balanced slice of the request list in chunks, and streams (index, completion) pairs back over
a pipe per worker; the parent yields them as they arrive, so the runner caches each one at
once and a killed run resumes. A worker that dies or fails to start is reported in one line
naming its rank, and its unanswered requests become failed samples.

Two modes:
- replicas (default): every rank is an independent engine that sees only its own GPUs
  (CUDA_VISIBLE_DEVICES, tensor_parallel_size x pipeline_parallel_size each). This is what a
  dense model needs: vLLM 0.33 refuses VLLM_DP_SIZE > 1 for dense models.
- coordinated (`enable_expert_parallel=true`, MoE models): every rank also gets vLLM's
  VLLM_DP_RANK, VLLM_DP_RANK_LOCAL, VLLM_DP_SIZE, VLLM_DP_MASTER_IP and VLLM_DP_MASTER_PORT, so
  the engines form one data-parallel group (vLLM places each rank on its GPUs); ranks without
  work run one placeholder request and every rank waits for the others before exiting.

Across machines, every node runs the same command with `node_size`, `node_rank` (and, when
coordinated, `master_addr`/`master_port`); node k starts the ranks of node k and answers their
slices; the other nodes' requests are reported as failed samples naming the node that has them.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import socket
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from rbh import Completion, UsageError
from rbh_vllm.engine import WorkItem, chat_chunk, chunks

DP_ENV = ("VLLM_DP_RANK", "VLLM_DP_RANK_LOCAL", "VLLM_DP_SIZE", "VLLM_DP_MASTER_IP", "VLLM_DP_MASTER_PORT")
PLACEHOLDER = WorkItem(-1, [{"role": "user", "content": "Placeholder"}], {"max_tokens": 1, "temperature": 0.0})


@dataclass(frozen=True)
class Layout:
    """Where the data-parallel ranks run."""

    size: int  # data_parallel_size, all nodes together
    gpus_per_rank: int = 1  # tensor_parallel_size x pipeline_parallel_size
    node_size: int = 1
    node_rank: int = 0
    master_addr: str | None = None
    master_port: int | None = None
    coordinated: bool = False  # vLLM's DP group (MoE expert parallel) instead of independent replicas
    ray: bool = False  # GPUs are placed by Ray, not CUDA_VISIBLE_DEVICES

    @property
    def per_node(self) -> int:
        return self.size // self.node_size

    @property
    def local_ranks(self) -> range:
        """The global ranks this node runs."""
        return range(self.node_rank * self.per_node, (self.node_rank + 1) * self.per_node)

    def node_of(self, rank: int) -> int:
        return rank // self.per_node


def _int_arg(args: Mapping[str, Any], name: str, default: int, low: int, high: int | None = None) -> int:
    value = args.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"
        raise UsageError(f"vllm: {name} must be {bound}, got {value!r}")
    return value


def layout_from_args(args: Mapping[str, Any]) -> Layout:
    """The data-parallel layout of a set of model args; bad values are one UsageError line."""
    size = _int_arg(args, "data_parallel_size", 1, 1)
    node_size = _int_arg(args, "node_size", 1, 1)
    node_rank = _int_arg(args, "node_rank", 0, 0, node_size - 1)
    master_port = args.get("master_port")
    if master_port is not None:
        master_port = _int_arg(args, "master_port", 0, 1, 65535)
    master_addr = args.get("master_addr")
    if master_addr is not None and (not isinstance(master_addr, str) or not master_addr.strip()):
        raise UsageError(f"vllm: master_addr must be a host name or IP address, got {master_addr!r}")
    if size % node_size:
        raise UsageError(f"vllm: data_parallel_size ({size}) must be a multiple of node_size ({node_size})")
    coordinated = bool(args.get("enable_expert_parallel")) and size > 1
    if coordinated and node_size > 1 and (master_addr is None or master_port is None):
        raise UsageError(
            "vllm: data parallel across nodes with enable_expert_parallel needs master_addr and master_port (node 0's address)"
        )
    gpus = _int_arg(args, "tensor_parallel_size", 1, 1) * _int_arg(args, "pipeline_parallel_size", 1, 1)
    layout = Layout(
        size, gpus, node_size, node_rank, master_addr, master_port, coordinated, args.get("distributed_executor_backend") == "ray"
    )
    if size > 1 and not layout.coordinated and not layout.ray:
        visible = _visible_devices()
        if visible is not None and len(visible) < layout.per_node * gpus:
            raise UsageError(
                f"vllm: {layout.per_node} data-parallel rank(s) x {gpus} GPU(s) each need {layout.per_node * gpus} GPUs,"
                f" but CUDA_VISIBLE_DEVICES lists {len(visible)}"
            )
    return layout


def balanced_slices(n: int, size: int) -> list[range]:
    """Split range(n) into `size` consecutive slices whose lengths differ by at most one."""
    floor, extra = divmod(n, size)
    starts = [r * floor + min(r, extra) for r in range(size + 1)]
    return [range(starts[r], starts[r + 1]) for r in range(size)]


def _visible_devices() -> list[str] | None:
    value = os.environ.get("CUDA_VISIBLE_DEVICES")
    return None if value is None else [d for d in value.split(",") if d.strip()]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rank_env(layout: Layout, rank: int, master_port: int) -> dict[str, str | None]:
    """Environment changes for one rank's worker (None: remove the variable)."""
    local = rank - layout.node_rank * layout.per_node
    env: dict[str, str | None] = dict.fromkeys(DP_ENV)
    if layout.coordinated:
        env.update(
            VLLM_DP_RANK=str(rank),
            VLLM_DP_RANK_LOCAL=str(local),
            VLLM_DP_SIZE=str(layout.size),
            VLLM_DP_MASTER_IP=layout.master_addr or "127.0.0.1",
            VLLM_DP_MASTER_PORT=str(master_port),
        )
    elif not layout.ray:
        devices = _visible_devices() or [str(i) for i in range(layout.per_node * layout.gpus_per_rank)]
        env["CUDA_VISIBLE_DEVICES"] = ",".join(devices[local * layout.gpus_per_rank : (local + 1) * layout.gpus_per_rank])
    return env


def _exit_with_parent() -> None:
    """Exit this worker as soon as the parent process is gone (e.g. killed with SIGKILL)."""
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="rbh-vllm-parent-watch", daemon=True).start()


def worker_main(
    rank: int,
    env: dict[str, str | None],
    engine_args: dict[str, Any],
    chat_template_kwargs: dict[str, Any] | None,
    items: list[WorkItem],
    chunk_size: int,
    coordinated: bool,
    results: Any,
    all_done: Any,
) -> None:
    """One data-parallel rank (the target of a spawned process): build the engine, answer `items`
    chunk by chunk, send ("done", rank, pairs) per chunk, then ("finished", rank). `results` is the
    write end of a pipe: each send is written before the call returns, so nothing is lost in a
    buffer if the process dies afterwards."""
    _exit_with_parent()
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        from vllm import LLM

        llm = LLM(**engine_args)
    except BaseException as exc:  # any failure is reported to the parent, then the worker ends
        results.send(("failed", rank, f"failed to start: {_one_line(exc)}"))
        return
    results.send(("ready", rank))
    try:
        for chunk in chunks(items, chunk_size) if items else [[PLACEHOLDER]] if coordinated else []:
            pairs = chat_chunk(llm, chunk, chat_template_kwargs)
            results.send(("done", rank, [(i, c) for i, c in pairs if i >= 0]))
    except BaseException as exc:
        results.send(("failed", rank, f"failed: {_one_line(exc)}"))
        return
    results.send(("finished", rank))
    if coordinated:  # the other ranks' engines step together with ours until all are done
        all_done.wait()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"{type(exc).__name__}: {text}"


def _report(line: str) -> None:
    print(f"warning: {line}", file=sys.stderr, flush=True)


def run_data_parallel(
    layout: Layout,
    engine_args: Mapping[str, Any],
    chat_template_kwargs: Mapping[str, Any] | None,
    items: Sequence[WorkItem],
    chunk_size: int,
) -> Iterator[tuple[int, Completion]]:
    """Answer `items` with one worker process per local rank; yield (item.index, completion) as
    completions arrive. Every item gets exactly one completion (failed ones carry `error`)."""
    slices = balanced_slices(len(items), layout.size)
    ranks = [r for r in layout.local_ranks if slices[r] or layout.coordinated]
    for rank, part in enumerate(slices):
        if part and layout.node_of(rank) != layout.node_rank:
            node = layout.node_of(rank)
            for k in part:
                yield items[k].index, Completion(error=f"vllm: answered by data-parallel node {node} (node_rank={node}), not this one")
    if not ranks:
        return
    ctx = mp.get_context("spawn")
    all_done = ctx.Event()
    master_port = layout.master_port or (_free_port() if layout.coordinated else 0)
    engine = dict(engine_args)  # data_parallel_size is rbh's, never an engine arg
    template = dict(chat_template_kwargs or {}) or None
    pending: dict[int, set[int]] = {r: {items[k].index for k in slices[r]} for r in ranks}
    procs: dict[int, Any] = {}
    conns: dict[Any, int] = {}  # the read end of each worker's pipe -> its rank
    ready: set[int] = set()
    running = set(ranks)
    try:
        for rank in ranks:
            reader, writer = ctx.Pipe(duplex=False)
            work = [items[k] for k in slices[rank]]
            args = (rank, rank_env(layout, rank, master_port), engine, template, work, chunk_size, layout.coordinated, writer, all_done)
            procs[rank] = ctx.Process(target=worker_main, args=args, name=f"rbh-vllm-dp{rank}", daemon=True)
            procs[rank].start()
            writer.close()  # the worker holds the write end now; EOF tells us it is gone
            conns[reader] = rank
        while running:
            sentinels = {procs[r].sentinel: r for r in running}
            woke = wait([*conns, *sentinels])
            for conn in [c for c in woke if c in conns]:
                yield from _receive(conn, conns, pending, running, ready)
            for rank in [sentinels[s] for s in woke if s in sentinels]:
                for conn in [c for c, r in conns.items() if r == rank]:
                    while conn in conns and conn.poll():  # what it sent before it exited
                        yield from _receive(conn, conns, pending, running, ready)
                if rank in running:  # ended without a word
                    procs[rank].join(timeout=5)  # its exit status may lag its sentinel
                    what = "died" if rank in ready else "failed to start"
                    yield from _fail(rank, f"{what} (exit code {procs[rank].exitcode})", pending, running)
    finally:
        all_done.set()
        for proc in procs.values():  # after an interrupt (or a consumer that stopped early), at once
            proc.join(timeout=0 if running else 5)
        for proc in procs.values():
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        for conn in conns:
            conn.close()


def _receive(
    conn: Any, conns: dict[Any, int], pending: dict[int, set[int]], running: set[int], ready: set[int]
) -> Iterator[tuple[int, Completion]]:
    """Handle one message from a worker's pipe (EOF: forget the pipe)."""
    try:
        message = conn.recv()
    except (EOFError, OSError):
        del conns[conn]
        return
    kind, rank = message[0], message[1]
    if kind == "ready":
        ready.add(rank)
    elif kind == "done":
        for index, completion in message[2]:
            if index in pending[rank]:
                pending[rank].discard(index)
                yield index, completion
    elif kind == "finished":
        yield from _fail(rank, "finished without answering", pending, running)
    elif kind == "failed":
        yield from _fail(rank, message[2], pending, running)


def _fail(rank: int, what: str, pending: dict[int, set[int]], running: set[int]) -> Iterator[tuple[int, Completion]]:
    """Every unanswered request of `rank` becomes a failed sample; one line says so."""
    running.discard(rank)
    left = sorted(pending[rank])
    pending[rank].clear()
    if not left:
        return
    line = f"vllm: data-parallel rank {rank} {what}"
    _report(f"{line}; its {len(left)} unanswered request(s) are failed samples (re-run to retry them)")
    for index in left:
        yield index, Completion(error=line)
