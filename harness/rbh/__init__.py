"""rbh — the evaluation harness for RecBench+ (LLMs as personalized recommendation assistants).

Public API for plugin authors::

    from rbh import hookimpl, Model, Scorer, Generator, Sample

Names are imported lazily so that `rbh --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rbh.version import __version__

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog, Item
    from rbh.data.dataset import BenchmarkDataset
    from rbh.data.kg import KG
    from rbh.data.sample import Sample
    from rbh.errors import ConfigError, DataError, RbhError, UsageError
    from rbh.generators import Generator
    from rbh.hookspecs import hookimpl
    from rbh.models.base import ChatRequest, Completion, Model, Usage
    from rbh.models.reasoning import merge_reasoning, split_think_tags
    from rbh.registry import DatasetEntry
    from rbh.scoring.base import Scorer, ScoringInput

_EXPORTS = {
    "hookimpl": "rbh.hookspecs",
    "Model": "rbh.models.base",
    "ChatRequest": "rbh.models.base",
    "Completion": "rbh.models.base",
    "Usage": "rbh.models.base",
    "Scorer": "rbh.scoring.base",
    "ScoringInput": "rbh.scoring.base",
    "Generator": "rbh.generators",
    "Sample": "rbh.data.sample",
    "Catalog": "rbh.data.catalog",
    "Item": "rbh.data.catalog",
    "KG": "rbh.data.kg",
    "BenchmarkDataset": "rbh.data.dataset",
    "DatasetEntry": "rbh.registry",
    "RbhError": "rbh.errors",
    "UsageError": "rbh.errors",
    "ConfigError": "rbh.errors",
    "DataError": "rbh.errors",
    "split_think_tags": "rbh.models.reasoning",
    "merge_reasoning": "rbh.models.reasoning",
}

__all__ = [
    "__version__",
    "hookimpl",
    "Model",
    "ChatRequest",
    "Completion",
    "Usage",
    "Scorer",
    "ScoringInput",
    "Generator",
    "Sample",
    "Catalog",
    "Item",
    "KG",
    "BenchmarkDataset",
    "DatasetEntry",
    "RbhError",
    "UsageError",
    "ConfigError",
    "DataError",
    "split_think_tags",
    "merge_reasoning",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'rbh' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
