"""The model interface every backend implements, and the kit for HTTP API backends (documented
for plugins in docs/plugins.md): the retrying async machinery, failure classification, API keys,
reasoning splitting, model-spec parsing."""

from rbh.models.api_keys import resolve_api_key
from rbh.models.api_model import ApiModel, classify_sdk_error, connection_cause, import_sdk, short
from rbh.models.base import ChatRequest, Completion, Message, Model, Usage
from rbh.models.batch import BATCH_ARGS, PRICE_ARGS, BatchApi, BatchOptions, BatchResult, BatchStatus
from rbh.models.effort import EFFORTS, RejectedParams, check_effort, request_effort
from rbh.models.failures import RETRYABLE_STATUS, Failure, FatalBackendError, classify_other, classify_status, parse_retry_after
from rbh.models.reasoning import REASONING_CUT, finish_reason_of, merge_reasoning, split_think_tags
from rbh.models.retry import RetryPolicy
from rbh.models.sdk_kwargs import split_sdk_kwargs
from rbh.models.spec import ModelSpec, parse_kv, parse_model_spec

__all__ = [
    "BATCH_ARGS",
    "PRICE_ARGS",
    "RETRYABLE_STATUS",
    "ApiModel",
    "BatchApi",
    "BatchOptions",
    "BatchResult",
    "BatchStatus",
    "ChatRequest",
    "Completion",
    "Failure",
    "FatalBackendError",
    "Message",
    "Model",
    "ModelSpec",
    "RetryPolicy",
    "Usage",
    "classify_other",
    "classify_sdk_error",
    "classify_status",
    "connection_cause",
    "import_sdk",
    "merge_reasoning",
    "parse_kv",
    "parse_model_spec",
    "parse_retry_after",
    "resolve_api_key",
    "short",
    "split_sdk_kwargs",
    "split_think_tags",
    "EFFORTS",
    "RejectedParams",
    "check_effort",
    "request_effort",
    "finish_reason_of",
    "REASONING_CUT",
]
