"""`hf:MODEL`: transformers AutoModelForCausalLM with the tokenizer's chat template, left-padded
batches, greedy decoding by default."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from rbh import ChatRequest, Completion, Model, Usage, UsageError, finish_reason_of, split_think_tags
from rbh.interactive import function_tools, parse_tool_calls, template_messages
from rbh.models import check_effort, request_effort
from rbh_hf.loading import SMOLLM2, resolve_source

DEFAULT_MAX_NEW_TOKENS = 256
DTYPES = ("auto", "float32", "float16", "bfloat16")


class HFModel(Model):
    name = "hf"
    description = "Hugging Face transformers (dtype=auto, device_map=None, batch_size=8, gguf_file=..., trust_remote_code=false)"
    aliases: ClassVar[dict[str, str]] = {"smollm2": SMOLLM2}
    needs_model_name = True
    transport_args: ClassVar[tuple[str, ...]] = ("batch_size", "device_map")

    def __init__(
        self,
        model_name: str | None = None,
        dtype: str = "auto",
        device_map: str | None = None,
        batch_size: int = 8,
        gguf_file: str | None = None,
        revision: str | None = None,
        trust_remote_code: bool = False,
        reasoning_effort: str | None = None,
    ):
        effort: dict[str, Any] = {"reasoning_effort": reasoning_effort} if reasoning_effort is not None else {}
        super().__init__(
            model_name,
            dtype=dtype,
            device_map=device_map,
            batch_size=batch_size,
            gguf_file=gguf_file,
            revision=revision,
            trust_remote_code=trust_remote_code,
            **effort,
        )
        self.reasoning_effort = check_effort(self.name, reasoning_effort)
        if dtype not in DTYPES:
            raise UsageError(f"hf: dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        if int(batch_size) < 1:
            raise UsageError("hf: batch_size must be at least 1")
        self.source = resolve_source(str(model_name), gguf_file)
        self.dtype, self.device_map, self.batch_size = dtype, device_map, int(batch_size)
        self.revision, self.trust_remote_code = revision, bool(trust_remote_code)
        self._model: Any = None
        self._tokenizer: Any = None

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> tuple[Any, Any]:
        """Load the tokenizer and model once (left padding, a pad token, eval mode)."""
        if self._model is None:
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError:
                raise UsageError("hf backend needs torch and transformers: pip install 'recbench-harness[hf]'") from None
            common: dict[str, Any] = {"revision": self.revision, "trust_remote_code": self.trust_remote_code}
            if self.source.gguf_file:
                common["gguf_file"] = self.source.gguf_file
            tokenizer = AutoTokenizer.from_pretrained(self.source.path, **common)
            tokenizer.padding_side = "left"
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            dtype = self.dtype if self.dtype == "auto" else getattr(torch, self.dtype)
            dtype_arg = "dtype" if _transformers_major_minor() >= (4, 56) else "torch_dtype"  # renamed in 4.56
            model = AutoModelForCausalLM.from_pretrained(self.source.path, device_map=self.device_map, **{dtype_arg: dtype}, **common)
            model.eval()
            self._tokenizer, self._model = tokenizer, model
        return self._tokenizer, self._model

    def close(self) -> None:
        self._model = self._tokenizer = None

    # -- generation ------------------------------------------------------------------------
    def prompt_text(
        self, messages: Sequence[Mapping[str, Any]], tools: Sequence[Mapping[str, Any]] = (), gen: Mapping[str, Any] | None = None
    ) -> str:
        """The chat template applied (generation prompt added; `tools` passed to it, for
        templates that render them; the effort of `gen` or the model's); a plain fallback without one."""
        tokenizer, _ = self.load()
        chat = template_messages(messages)
        if getattr(tokenizer, "chat_template", None):
            extra: dict[str, Any] = {"tools": function_tools(tools)} if tools else {}
            effort = request_effort(self.name, dict(gen or {}), self.reasoning_effort)
            if effort is not None:  # Qwen3 / DeepSeek templates read it; others ignore it
                extra["enable_thinking"] = effort != "none"
            return str(tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=False, **extra))
        return "".join(f"{m['role']}: {m['content']}\n" for m in chat) + "assistant:"

    def generate(self, requests: Sequence[ChatRequest]) -> Iterator[tuple[int, Completion]]:
        """Batches of `batch_size` requests with equal generation args, longest prompts first."""
        if not requests:
            return
        prompts = [self.prompt_text(r.messages, r.tools, r.gen) for r in requests]
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(requests):
            groups.setdefault(repr(sorted(r.gen.items())), []).append(i)
        for indices in groups.values():
            indices.sort(key=lambda i: -len(prompts[i]))
            for start in range(0, len(indices), self.batch_size):
                batch = indices[start : start + self.batch_size]
                for i, completion in zip(batch, self.generate_batch([prompts[i] for i in batch], requests[batch[0]].gen)):
                    yield i, with_tool_calls(completion) if requests[i].tools else completion

    def generate_batch(self, prompts: list[str], gen: Mapping[str, Any]) -> list[Completion]:
        """One left-padded forward pass; a runtime failure (e.g. out of memory) fails the batch."""
        import torch

        tokenizer, model = self.load()
        started = time.perf_counter()
        try:
            inputs = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
            kwargs = generation_kwargs(gen, tokenizer)
            if "seed" in gen and gen["seed"] is not None:
                torch.manual_seed(int(gen["seed"]))
            with torch.inference_mode():
                output = model.generate(**inputs, **kwargs)
        except (RuntimeError, ValueError) as exc:
            message = f"hf: generation failed: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            return [Completion(error=message) for _ in prompts]
        latency = round((time.perf_counter() - started) / len(prompts), 4)
        width = inputs["input_ids"].shape[1]
        prompt_lengths = inputs["attention_mask"].sum(dim=1).tolist()
        return [
            decode_one(tokenizer, output[row, width:].tolist(), int(prompt_lengths[row]), gen.get("stop"), latency)
            for row in range(len(prompts))
        ]


def with_tool_calls(completion: Completion) -> Completion:
    """A completion whose text calls tools in the `<tool_call>` format, with the calls parsed out."""
    if completion.error:
        return completion
    text, calls = parse_tool_calls(completion.text)
    return replace(completion, text=text, tool_calls=calls) if calls else completion


def _transformers_major_minor() -> tuple[int, int]:
    import transformers

    major, minor = (transformers.__version__.split(".") + ["0"])[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def generation_kwargs(gen: Mapping[str, Any], tokenizer: Any) -> dict[str, Any]:
    """rbh generation args -> `model.generate` kwargs: greedy unless temperature > 0."""
    temperature = float(gen.get("temperature") or 0.0)
    kwargs: dict[str, Any] = {
        "max_new_tokens": int(gen.get("max_tokens") or DEFAULT_MAX_NEW_TOKENS),
        "pad_token_id": tokenizer.pad_token_id,
        "do_sample": temperature > 0,
    }
    if temperature > 0:
        kwargs["temperature"] = temperature
        if gen.get("top_p") is not None:
            kwargs["top_p"] = float(gen["top_p"])
    else:  # silence "temperature is set but do_sample=False" from the model's generation config
        kwargs.update(temperature=None, top_p=None, top_k=None)
    return kwargs


def decode_one(tokenizer: Any, new_ids: list[int], prompt_tokens: int, stop: Any, latency: float) -> Completion:
    """Cut at the first EOS (pad may equal EOS), decode, cut at stop strings, split reasoning."""
    eos = tokenizer.eos_token_id
    eos_ids = set(eos if isinstance(eos, list) else [eos]) - {None}
    generated, finish = len(new_ids), "length"
    for n, token in enumerate(new_ids):
        if token in eos_ids:
            new_ids, generated, finish = new_ids[:n], n + 1, "stop"
            break
    text = tokenizer.decode(new_ids, skip_special_tokens=True)
    for s in [stop] if isinstance(stop, str) else (stop or []):
        if s and s in text:
            text, finish = text[: text.index(s)], "stop"
    answer, reasoning = split_think_tags(text)
    return Completion(
        text=answer,
        reasoning=reasoning,
        finish_reason=finish_reason_of(text, finish),
        usage=Usage(prompt_tokens, generated),
        latency_s=latency,
    )
