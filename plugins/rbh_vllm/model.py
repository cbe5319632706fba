"""`vllm:MODEL`: in-process vLLM. The whole request list goes to one `LLM.chat` call, so vLLM's
continuous batching sees every prompt at once; the tokenizer's chat template is applied by vLLM."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from rbh import ChatRequest, Completion, Model, Usage, UsageError, split_think_tags
from rbh_vllm.params import ENGINE_DEFAULTS, conversations, engine_kwargs, sampling_kwargs

INSTALL_HINT = "vllm backend needs vLLM, which runs on a CUDA GPU machine: pip install 'recbench-harness[vllm]' there"


class VLLMModel(Model):
    name = "vllm"
    description = "in-process vLLM on GPUs (tensor_parallel_size, data_parallel_size, gpu_memory_utilization, max_model_len, ...)"
    aliases: ClassVar[dict[str, str]] = {
        "qwen": "Qwen/Qwen2.5-3B-Instruct",
        "qwen-7b": "Qwen/Qwen2.5-7B-Instruct",
        "llama": "meta-llama/Llama-3.1-8B-Instruct",
        "mistral": "mistralai/Mistral-7B-Instruct-v0.3",
        "gemma": "google/gemma-2-9b-it",
        "r1-qwen-7b": "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    }
    needs_model_name = True
    transport_args: ClassVar[tuple[str, ...]] = (
        "tensor_parallel_size",
        "data_parallel_size",
        "pipeline_parallel_size",
        "gpu_memory_utilization",
        "enforce_eager",
        "enable_prefix_caching",
        "distributed_executor_backend",
        "download_dir",
        "max_num_seqs",
    )

    def __init__(self, model_name: str | None = None, chat_template_kwargs: dict[str, Any] | None = None, **engine_args: Any):
        unknown = sorted(set(engine_args) - set(ENGINE_DEFAULTS))
        if unknown:
            raise UsageError(
                f"vllm: unknown model arg(s) {', '.join(unknown)} (known: {', '.join(sorted(ENGINE_DEFAULTS))}, chat_template_kwargs)"
            )
        if importlib.util.find_spec("vllm") is None:
            raise UsageError(INSTALL_HINT)
        super().__init__(model_name, **engine_args, **({"chat_template_kwargs": chat_template_kwargs} if chat_template_kwargs else {}))
        self.engine_args = engine_kwargs(str(model_name), engine_args)
        self.chat_template_kwargs = chat_template_kwargs
        self._llm: Any = None

    def llm(self) -> Any:
        """The engine, created on first use (loading weights takes a while)."""
        if self._llm is None:
            from vllm import LLM

            self._llm = LLM(**self.engine_args)
        return self._llm

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        if not requests:
            return
        from vllm import SamplingParams

        params = [SamplingParams(**sampling_kwargs(r.gen)) for r in requests]
        extra = {"chat_template_kwargs": self.chat_template_kwargs} if self.chat_template_kwargs else {}
        started = time.perf_counter()
        outputs = self.llm().chat(conversations(requests), sampling_params=params, use_tqdm=False, **extra)
        latency = round((time.perf_counter() - started) / len(requests), 4)
        for i, output in enumerate(outputs):
            yield i, completion_from_output(output, latency)

    def close(self) -> None:
        self._llm = None


def completion_from_output(output: Any, latency: float = 0.0) -> Completion:
    """A vLLM RequestOutput -> Completion (reasoning split off from `<think>` tags)."""
    if not output.outputs:
        return Completion(error="vllm: no output for this request")
    best = output.outputs[0]
    text, reasoning = split_think_tags(best.text or "")
    return Completion(
        text=text,
        reasoning=reasoning,
        finish_reason=best.finish_reason,
        usage=Usage(len(output.prompt_token_ids or ()), len(best.token_ids or ())),
        latency_s=latency,
    )
