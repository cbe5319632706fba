"""The `vllm` backend: in-process vLLM on CUDA GPUs (vllm is imported only at run time)."""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_models(register: Callable[..., None]) -> None:
    from rbh_vllm.model import VLLMModel

    register(VLLMModel)
