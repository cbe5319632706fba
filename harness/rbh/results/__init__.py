"""Run results: the typed `results.json` and sample rows, and the run folder that holds them."""

from rbh.results.folder import read_results, read_run, read_samples, write_results, write_run
from rbh.results.model import (
    SCHEMA_VERSION,
    CostResult,
    GroupResult,
    MetricResult,
    ModelInfo,
    RunResults,
    SampleError,
    SampleRow,
    TaskResult,
)

__all__ = [
    "SCHEMA_VERSION",
    "CostResult",
    "GroupResult",
    "MetricResult",
    "ModelInfo",
    "RunResults",
    "SampleError",
    "SampleRow",
    "TaskResult",
    "read_results",
    "read_run",
    "read_samples",
    "write_results",
    "write_run",
]
