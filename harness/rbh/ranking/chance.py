"""The expected value of the rank metrics under a uniformly random ordering of a candidate list
of `n` items holding `m` positives (docs/metrics.md, "Candidate ranking"): the analytic random row.

- recall@k: min(k, n) / n — each positive is in the top k with that probability;
- ndcg@k: (m / n) · Σ_{i ≤ min(k, n)} 1/log2(i+1), over the ideal Σ_{i ≤ min(m, k)} 1/log2(i+1);
- hit@k: 1 − C(n−m, k) / C(n, k);
- mrr: Σ_i (1/i) · P(the first positive is at i), P = C(n−i, m−1) / C(n, m); H_n / n for m = 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable


def expected(metric: str, n: int, m: int) -> float | None:
    """E[metric] of a random ordering, for `recall@k`, `ndcg@k`, `hit@k`, `mrr` (and `mrr@k`);
    None for another metric or an empty list."""
    if n <= 0 or m <= 0:
        return None
    match = re.fullmatch(r"(recall|ndcg|hit|mrr)(?:@(\d+))?", metric)
    if match is None:
        return None
    name, at = match.group(1), min(int(match.group(2)), n) if match.group(2) else n
    if name == "recall":
        return at / n
    if name == "hit":
        return 1.0 - math.comb(n - m, at) / math.comb(n, at)
    if name == "ndcg":
        gain = sum(1.0 / math.log2(i + 1) for i in range(1, at + 1))
        ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(m, at) + 1))
        return (m / n) * gain / ideal
    total = math.comb(n, m)
    return sum((1.0 / i) * math.comb(n - i, m - 1) / total for i in range(1, at + 1))


def chance_levels(metrics: Iterable[str], lists: Iterable[tuple[int, int]]) -> dict[str, float]:
    """Per metric that has one, the mean over samples of its random-ordering expectation; `lists`
    holds each sample's (candidate-list size, positives)."""
    sizes = [(n, m) for n, m in lists if n > 0 and m > 0]
    out: dict[str, float] = {}
    for metric in metrics:
        values = [expected(metric, n, m) for n, m in sizes]
        if sizes and all(v is not None for v in values):
            out[metric] = round(sum(v for v in values if v is not None) / len(values), 6)
    return out
