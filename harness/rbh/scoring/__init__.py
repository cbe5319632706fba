"""Scoring (documented for plugins in docs/plugins.md): the scorer interface, scoring sets,
parsing responses into titles, and aggregation with bootstrap standard errors."""

from rbh.scoring.aggregate import MetricValue, bootstrap_stderr, mean_with_stderr
from rbh.scoring.base import Scorer, ScoringInput
from rbh.scoring.parse import ParsedTitle, cut_preamble, is_prose, parse_response, split_entries, strip_reasoning
from rbh.scoring.sets import DEFAULT_SCORING, ScoringSet

__all__ = [
    "DEFAULT_SCORING",
    "MetricValue",
    "ParsedTitle",
    "Scorer",
    "ScoringInput",
    "ScoringSet",
    "bootstrap_stderr",
    "cut_preamble",
    "is_prose",
    "mean_with_stderr",
    "parse_response",
    "split_entries",
    "strip_reasoning",
]
