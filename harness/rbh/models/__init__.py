"""The model interface every backend implements, and model-spec parsing."""

from rbh.models.base import ChatRequest, Completion, Message, Model, Usage
from rbh.models.spec import ModelSpec, parse_kv, parse_model_spec

__all__ = ["ChatRequest", "Completion", "Message", "Model", "ModelSpec", "Usage", "parse_kv", "parse_model_spec"]
