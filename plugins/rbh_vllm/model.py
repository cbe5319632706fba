"""`vllm:MODEL`: in-process vLLM. Requests go to `LLM.chat` in large chunks (`chunk_size`), so
vLLM's continuous batching sees many prompts at once while completions still reach the cache as
each chunk finishes; the tokenizer's chat template is applied by vLLM. With
`data_parallel_size=N`, N worker processes each run an engine (see data_parallel.py)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from rbh import ChatRequest, Completion, Model, UsageError
from rbh.interactive import function_tools
from rbh.models import check_effort, request_effort
from rbh_vllm.data_parallel import layout_from_args, run_data_parallel
from rbh_vllm.engine import DEFAULT_CHUNK_SIZE, WorkItem, chat_chunk, chunks
from rbh_vllm.params import ENGINE_ARGS, RBH_ARGS, conversations, engine_kwargs, sampling_kwargs

INSTALL_HINT = (
    "the vllm backend needs vLLM, which runs on a machine with a CUDA GPU: there, install it into the environment rbh runs in "
    "(pip install vllm), or use --model hf:MODEL on this machine"
)


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
    accepts_extra_args = True  # engine args are checked against vLLM's own list in __init__
    transport_args: ClassVar[tuple[str, ...]] = (
        "tensor_parallel_size",
        "data_parallel_size",
        "pipeline_parallel_size",
        "gpu_memory_utilization",
        "enforce_eager",
        "enable_prefix_caching",
        "enable_expert_parallel",
        "distributed_executor_backend",
        "download_dir",
        "max_num_seqs",
        "max_num_batched_tokens",
        "node_size",
        "node_rank",
        "master_addr",
        "master_port",
        "chunk_size",
    )

    def __init__(self, model_name: str | None = None, **model_args: Any):
        unknown = sorted(set(model_args) - ENGINE_ARGS - RBH_ARGS)
        if unknown:
            raise UsageError(f"vllm: unknown model arg(s) {', '.join(unknown)} (known: {', '.join(sorted(ENGINE_ARGS | RBH_ARGS))})")
        self.layout = layout_from_args(model_args)
        chunk_size = model_args.get("chunk_size", DEFAULT_CHUNK_SIZE)
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise UsageError(f"vllm: chunk_size must be an integer >= 1, got {chunk_size!r}")
        template_kwargs = model_args.get("chat_template_kwargs")
        if template_kwargs is not None and not isinstance(template_kwargs, dict):
            raise UsageError(
                f'vllm: chat_template_kwargs must be a JSON object, e.g. {{"enable_thinking": false}}, got {template_kwargs!r}'
            )
        self._template_args: dict[str, Any] = dict(template_kwargs or {})  # as given: they win over any effort
        effort = check_effort(self.name, model_args.get("reasoning_effort"))
        if effort is not None:  # Qwen3 / DeepSeek templates: thinking on or off; an explicit template arg wins
            template_kwargs = {"enable_thinking": effort != "none", **(template_kwargs or {})}
        if importlib.util.find_spec("vllm") is None:
            raise UsageError(INSTALL_HINT)
        super().__init__(model_name, **model_args)
        self.engine_args = engine_kwargs(str(model_name), model_args)
        self.chat_template_kwargs: dict[str, Any] | None = template_kwargs or None
        self.chunk_size: int = chunk_size
        self._llm: Any = None

    def llm(self) -> Any:
        """The in-process engine (data_parallel_size 1), created on first use."""
        if self._llm is None:
            from vllm import LLM

            self._llm = LLM(**self.engine_args)
        return self._llm

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        if not requests:
            return
        by_template: dict[str, tuple[dict[str, Any] | None, list[WorkItem]]] = {}
        for i, (r, conv) in enumerate(zip(requests, conversations(requests))):
            gen = dict(r.gen)
            template = self.template_kwargs(request_effort(self.name, gen, None))
            item = WorkItem(i, conv, sampling_kwargs(gen), function_tools(r.tools) if r.tools else None)
            by_template.setdefault(json.dumps(template, sort_keys=True), (template, []))[1].append(item)
        for template, items in by_template.values():  # one engine call per chat-template setting (an effort sweep's)
            if self.layout.size > 1:
                yield from run_data_parallel(self.layout, self.engine_args, template, items, self.chunk_size)
                continue
            llm = self.llm()
            for chunk in chunks(items, self.chunk_size):
                yield from chat_chunk(llm, chunk, template)

    def template_kwargs(self, effort: str | None) -> dict[str, Any] | None:
        """The chat-template arguments of a request: the model's, or those of the request's own
        effort (`enable_thinking`; an explicit `chat_template_kwargs` still wins)."""
        if effort is None:
            return self.chat_template_kwargs
        return {"enable_thinking": effort != "none", **self._template_args}

    def close(self) -> None:
        self._llm = None
