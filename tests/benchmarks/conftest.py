"""Benchmarks are scripts run by hand (`python tests/benchmarks/bench_scoring.py`), never collected."""

collect_ignore_glob = ["*.py"]
