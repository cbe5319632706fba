"""The bootstrap standard errors: each resampling path (few distinct values, shared resample
weights, chunked indices) agrees with the exact bootstrap standard error of a mean, is seeded,
and handles the edge cases."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest

from rbh.scoring.bootstrap import bootstrap_stderr, mean_with_stderr, ratio_with_stderr


def exact(values: list[float]) -> float:
    """The bootstrap standard error of a mean with infinitely many resamples: σ / √n (σ with 1/n)."""
    n = len(values)
    mu = sum(values) / n
    return math.sqrt(sum((v - mu) ** 2 for v in values) / n) / math.sqrt(n)


def draws(seed: int, n: int, value: Callable[[random.Random], float]) -> list[float]:
    rng = random.Random(seed)
    return [value(rng) for _ in range(n)]


@pytest.mark.parametrize(
    "values",
    [
        draws(1, 500, lambda r: float(r.random() < 0.3)),  # binary: the multinomial path
        draws(2, 800, lambda r: r.randrange(20) / 20),  # 20 distinct values
        draws(3, 3_000, lambda r: r.random()),  # continuous: shared resample weights
        draws(4, 9_000, lambda r: r.random()),  # n x 1,000 > 4M: chunked indices
    ],
    ids=["binary", "twenty-values", "continuous", "large"],
)
def test_bootstrap_agrees_with_the_exact_standard_error(values: list[float]) -> None:
    se = bootstrap_stderr(values, seed=0)
    assert se is not None and se == pytest.approx(exact(values), rel=0.1)  # 1,000 resamples: ~2% noise
    assert bootstrap_stderr(values, seed=0) == se and bootstrap_stderr(values, seed=1) != se


def test_edge_cases() -> None:
    assert bootstrap_stderr([]) is None and bootstrap_stderr([0.5]) is None
    assert bootstrap_stderr([0.25] * 10) == 0.0
    assert mean_with_stderr([None, None]).n == 0 and mean_with_stderr([None, 1.0, 0.0]).value == 0.5
    ratio = ratio_with_stderr([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    assert ratio.value == pytest.approx(1.0) and ratio.n == 3 and ratio.stderr is not None
    assert ratio_with_stderr([1.0], [0.0]).value is None


@pytest.mark.parametrize("n", [2_000, 9_000], ids=["shared-weights", "chunked"])
def test_ratio_stderr_agrees_with_the_delta_method(n: int) -> None:
    """Σ x / Σ y: its bootstrap stderr against the delta method's sqrt(Σ (x - r y)²) / Σ y."""
    rng = random.Random(n)
    ys = [rng.uniform(1, 3) for _ in range(n)]
    xs = [y * 0.5 + rng.gauss(0, 0.3) for y in ys]
    ratio = ratio_with_stderr(xs, ys)
    r = sum(xs) / sum(ys)
    delta = math.sqrt(sum((x - r * y) ** 2 for x, y in zip(xs, ys))) / sum(ys)
    assert ratio.value == pytest.approx(r) and ratio.stderr == pytest.approx(delta, rel=0.1)
