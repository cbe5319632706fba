"""Scoring: parsing responses into titles, the scorer interface, and aggregation."""

from rbh.scoring.aggregate import MetricValue, bootstrap_stderr, mean_with_stderr
from rbh.scoring.base import Scorer, ScoringInput
from rbh.scoring.parse import ParsedTitle, parse_response

__all__ = ["MetricValue", "ParsedTitle", "Scorer", "ScoringInput", "bootstrap_stderr", "mean_with_stderr", "parse_response"]
