"""Scoring (documented for plugins in docs/plugins.md): the scorer interface, scoring sets,
parsing responses into titles, and aggregation with bootstrap standard errors."""

from rbh.scoring.base import Breakdown, Scorer, ScoringInput, TaskScorer, sample_index
from rbh.scoring.bootstrap import MetricValue, bootstrap_stderr, mean_with_stderr, ratio_with_stderr, resample_counts
from rbh.scoring.context import TaskContext
from rbh.scoring.parse import (
    ParsedTitle,
    cut_preamble,
    dedupe_titles,
    is_prose,
    parse_response,
    parse_titles,
    split_entries,
    strip_reasoning,
)
from rbh.scoring.sets import DEFAULT_SCORING, ScoringSet
from rbh.scoring.task_scoring import resolve_all

__all__ = [
    "DEFAULT_SCORING",
    "Breakdown",
    "MetricValue",
    "ParsedTitle",
    "Scorer",
    "ScoringInput",
    "ScoringSet",
    "bootstrap_stderr",
    "TaskContext",
    "TaskScorer",
    "cut_preamble",
    "dedupe_titles",
    "is_prose",
    "mean_with_stderr",
    "parse_response",
    "split_entries",
    "parse_titles",
    "ratio_with_stderr",
    "resolve_all",
    "resample_counts",
    "sample_index",
    "strip_reasoning",
]
