"""rbh — the evaluation harness for RecBench+ (LLMs as personalized recommendation assistants).

The public API for plugin authors (docs/plugins.md)::

    from rbh import hookimpl, Model, Scorer, ScoringSet, Generator, Command, Sample

with the documented submodules `rbh.data` (data model, dataset format), `rbh.models` (the
model interface and the kit for HTTP API backends), `rbh.scoring` (scorers, parsing,
aggregation), `rbh.completion` (the completion service) and `rbh.results` (typed results).
Names are imported lazily so that `rbh --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rbh.lazy import lazy_exports
from rbh.version import __version__

if TYPE_CHECKING:
    from rbh.api import Results, evaluate, load_run
    from rbh.commands import Command
    from rbh.data.catalog import Catalog, Item
    from rbh.data.dataset import BenchmarkDataset
    from rbh.data.kg import KG, Triple
    from rbh.data.resolution import ResolutionOptions
    from rbh.data.sample import Sample
    from rbh.domains import DomainProfile, domain_profile
    from rbh.errors import ConfigError, DataError, PluginError, RbhError, UsageError
    from rbh.events import RunEnd, RunStart, SampleEnd
    from rbh.generators import GenerationReport, Generator, ReportTable
    from rbh.hookspecs import hookimpl
    from rbh.interactive.conversation import Conversation, PlannedCondition, Turn
    from rbh.interactive.simulator import Simulator, SimulatorContext
    from rbh.models.base import ChatRequest, Completion, Message, Model, ToolCall, Usage
    from rbh.models.reasoning import REASONING_CUT, finish_reason_of, merge_reasoning, split_think_tags
    from rbh.paths import cache_dir, shipped_dir
    from rbh.registry import DatasetEntry, Registered, Registry, get_registry
    from rbh.runner.task_prompts import TaskPrompts, render_task_prompts
    from rbh.scoring.base import Scorer, ScoringInput, TaskScorer
    from rbh.scoring.bootstrap import MetricValue, mean_with_stderr
    from rbh.scoring.sets import ScoringSet
    from rbh.tasks.prompts import domain_words
    from rbh.ui import StageProgress, print_rows

_EXPORTS = {
    "evaluate": "rbh.api",
    "load_run": "rbh.api",
    "Results": "rbh.api",
    "hookimpl": "rbh.hookspecs",
    "Registry": "rbh.registry",
    "Registered": "rbh.registry",
    "get_registry": "rbh.registry",
    "DatasetEntry": "rbh.registry",
    "render_task_prompts": "rbh.runner.task_prompts",
    "TaskPrompts": "rbh.runner.task_prompts",
    "Command": "rbh.commands",
    "Model": "rbh.models.base",
    "ChatRequest": "rbh.models.base",
    "Completion": "rbh.models.base",
    "Usage": "rbh.models.base",
    "Message": "rbh.models.base",
    "ToolCall": "rbh.models.base",
    "Simulator": "rbh.interactive.simulator",
    "SimulatorContext": "rbh.interactive.simulator",
    "Conversation": "rbh.interactive.conversation",
    "Turn": "rbh.interactive.conversation",
    "PlannedCondition": "rbh.interactive.conversation",
    "split_think_tags": "rbh.models.reasoning",
    "finish_reason_of": "rbh.models.reasoning",
    "REASONING_CUT": "rbh.models.reasoning",
    "merge_reasoning": "rbh.models.reasoning",
    "Scorer": "rbh.scoring.base",
    "ScoringInput": "rbh.scoring.base",
    "TaskScorer": "rbh.scoring.base",
    "ScoringSet": "rbh.scoring.sets",
    "MetricValue": "rbh.scoring.bootstrap",
    "mean_with_stderr": "rbh.scoring.bootstrap",
    "Generator": "rbh.generators",
    "GenerationReport": "rbh.generators",
    "ReportTable": "rbh.generators",
    "Sample": "rbh.data.sample",
    "Catalog": "rbh.data.catalog",
    "Item": "rbh.data.catalog",
    "KG": "rbh.data.kg",
    "Triple": "rbh.data.kg",
    "BenchmarkDataset": "rbh.data.dataset",
    "ResolutionOptions": "rbh.data.resolution",
    "RunStart": "rbh.events",
    "SampleEnd": "rbh.events",
    "RunEnd": "rbh.events",
    "RbhError": "rbh.errors",
    "UsageError": "rbh.errors",
    "ConfigError": "rbh.errors",
    "DataError": "rbh.errors",
    "PluginError": "rbh.errors",
    "StageProgress": "rbh.ui",
    "print_rows": "rbh.ui",
    "cache_dir": "rbh.paths",
    "shipped_dir": "rbh.paths",
    "domain_words": "rbh.tasks.prompts",
    "DomainProfile": "rbh.domains",
    "domain_profile": "rbh.domains",
}

__all__ = [
    "__version__",
    "evaluate",
    "load_run",
    "Results",
    "hookimpl",
    "Registry",
    "Registered",
    "get_registry",
    "DatasetEntry",
    "render_task_prompts",
    "TaskPrompts",
    "Command",
    "Model",
    "ChatRequest",
    "Completion",
    "Usage",
    "Message",
    "ToolCall",
    "Simulator",
    "SimulatorContext",
    "Conversation",
    "Turn",
    "PlannedCondition",
    "split_think_tags",
    "finish_reason_of",
    "REASONING_CUT",
    "merge_reasoning",
    "Scorer",
    "TaskScorer",
    "ScoringInput",
    "ScoringSet",
    "MetricValue",
    "mean_with_stderr",
    "Generator",
    "GenerationReport",
    "ReportTable",
    "Sample",
    "Catalog",
    "Item",
    "KG",
    "Triple",
    "BenchmarkDataset",
    "ResolutionOptions",
    "RunStart",
    "SampleEnd",
    "RunEnd",
    "RbhError",
    "UsageError",
    "ConfigError",
    "DataError",
    "PluginError",
    "StageProgress",
    "print_rows",
    "cache_dir",
    "shipped_dir",
    "domain_words",
    "DomainProfile",
    "domain_profile",
]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
