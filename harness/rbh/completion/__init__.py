"""The completion service: the one path from requests to a model's completions, through the
persistent response cache (documented for plugins in docs/plugins.md). `CompletionService.open`
gives a model behind the cache; `load_model` a bare model."""

from rbh.completion.service import CompletionCounts, CompletionService, load_model

__all__ = ["CompletionCounts", "CompletionService", "load_model"]
