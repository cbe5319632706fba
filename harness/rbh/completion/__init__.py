"""The completion service: the one path from requests to a model's completions, through the
persistent response cache (documented for plugins in docs/plugins.md)."""

from rbh.completion.cache import ResponseCache, open_cache, request_key
from rbh.completion.service import CompletionCounts, CompletionService, build_model, instantiate_model, model_class, model_identity

__all__ = [
    "CompletionCounts",
    "CompletionService",
    "ResponseCache",
    "build_model",
    "instantiate_model",
    "model_class",
    "model_identity",
    "open_cache",
    "request_key",
]
