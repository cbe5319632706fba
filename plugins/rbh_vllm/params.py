"""rbh requests -> vLLM inputs: engine arguments for `vllm.LLM`, one `SamplingParams` per request
(greedy by default), conversations for `LLM.chat`. Pure functions, testable without vLLM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rbh import ChatRequest

DEFAULT_MAX_TOKENS = 512
# rbh generation arg -> SamplingParams field (same name unless listed)
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
ENGINE_DEFAULTS: dict[str, Any] = {
    "tensor_parallel_size": 1,
    "data_parallel_size": 1,
    "pipeline_parallel_size": 1,
    "gpu_memory_utilization": 0.9,
    "max_model_len": None,
    "dtype": "auto",
    "quantization": None,
    "trust_remote_code": False,
    "seed": 0,
    "enforce_eager": False,
    "enable_prefix_caching": None,
    "distributed_executor_backend": None,  # "ray" for multi-node
    "download_dir": None,
    "revision": None,
    "max_num_seqs": None,
}


def engine_kwargs(model: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of `vllm.LLM(...)`: the model plus every engine arg that was set.

    Defaults that equal vLLM's own are left out so vLLM stays in charge of them; unknown
    keys are caught earlier, in the backend's constructor.
    """
    kwargs: dict[str, Any] = {"model": model}
    for name, default in ENGINE_DEFAULTS.items():
        value = args.get(name, default)
        if value is None:
            continue
        if name in ("data_parallel_size", "pipeline_parallel_size") and value == 1:
            continue
        kwargs[name] = value
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


def conversations(requests: Sequence[ChatRequest]) -> list[list[dict[str, str]]]:
    """The chat of every request, as `LLM.chat` takes a batch of conversations."""
    return [[{"role": m["role"], "content": m["content"]} for m in r.messages] for r in requests]
