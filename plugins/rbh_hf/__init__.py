"""The `hf` backend: Hugging Face transformers on CPU or GPU (torch is imported only at run time)."""

from __future__ import annotations

from collections.abc import Callable

from rbh import hookimpl


@hookimpl
def register_models(register: Callable[..., None]) -> None:
    from rbh_hf.model import HFModel

    register(HFModel)
