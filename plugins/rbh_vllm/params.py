"""rbh requests -> vLLM inputs: engine arguments for `vllm.LLM`, one `SamplingParams` per request
(greedy by default), conversations for `LLM.chat`. Pure functions, testable without vLLM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rbh import ChatRequest
from rbh.interactive import template_messages

DEFAULT_MAX_TOKENS = 512
# rbh generation arg -> SamplingParams field (same name)
SAMPLING_FIELDS = frozenset(
    {
        "max_tokens",
        "temperature",
        "top_p",
        "top_k",
        "min_p",
        "seed",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "repetition_penalty",
        "min_tokens",
        "n",
    }
)
# Model args passed through to `vllm.LLM(...)` when set; vLLM's own defaults apply otherwise.
ENGINE_ARGS = frozenset(
    {
        "tensor_parallel_size",
        "pipeline_parallel_size",
        "gpu_memory_utilization",
        "max_model_len",
        "dtype",
        "quantization",
        "trust_remote_code",
        "seed",
        "enforce_eager",
        "enable_prefix_caching",
        "enable_expert_parallel",
        "distributed_executor_backend",  # "ray" for tensor/pipeline parallel across nodes
        "download_dir",
        "revision",
        "max_num_seqs",
        "max_num_batched_tokens",
        "kv_cache_dtype",
    }
)
# Model args rbh consumes itself (data parallel runs one engine per process; see data_parallel.py).
RBH_ARGS = frozenset(
    {"data_parallel_size", "node_size", "node_rank", "master_addr", "master_port", "chunk_size", "chat_template_kwargs", "reasoning_effort"}
)
# Keyword arguments rbh passes to `LLM.chat` besides the conversations.
CHAT_KWARGS = frozenset({"sampling_params", "use_tqdm", "chat_template_kwargs"})


def engine_kwargs(model: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of `vllm.LLM(...)`: the model plus every engine arg the user set.

    Nothing else is sent, so vLLM stays in charge of its defaults (e.g. gpu_memory_utilization);
    unknown keys are caught earlier, in the backend's constructor.
    """
    kwargs: dict[str, Any] = {"model": model}
    kwargs.update((name, args[name]) for name in sorted(ENGINE_ARGS) if args.get(name) is not None)
    return kwargs


def sampling_kwargs(gen: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of `SamplingParams(...)`: greedy (temperature 0) unless asked otherwise."""
    out: dict[str, Any] = {"temperature": 0.0, "max_tokens": DEFAULT_MAX_TOKENS}
    for key, value in gen.items():
        if value is None:
            continue
        if key not in SAMPLING_FIELDS:
            raise ValueError(f"vllm: unsupported generation argument {key!r} (supported: {', '.join(sorted(SAMPLING_FIELDS))})")
        out[key] = [value] if key == "stop" and isinstance(value, str) else value
    out["temperature"] = float(out["temperature"])
    out["max_tokens"] = int(out["max_tokens"])
    return out


def conversations(requests: Sequence[ChatRequest]) -> list[list[dict[str, Any]]]:
    """The chat of every request, as `LLM.chat` takes a batch of conversations (tool calls in
    the chat-template shape)."""
    return [template_messages(r.messages) for r in requests]
