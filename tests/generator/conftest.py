"""Fixtures of the generator tests: small synthetic inputs (the built default dataset is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from rbh_kg.generator.config import GeneratorConfig, GeneratorInputs
from tests.generator.synthetic import Shape, synthetic_inputs

SMALL = Shape(items=400, users=300, interactions=300 * 60, directors=80, actors=500, writers=150, seed=3)


@pytest.fixture(scope="session")
def small_inputs() -> GeneratorInputs:
    """A synthetic movie domain: 400 items, 300 users with demographics."""
    return synthetic_inputs(SMALL)


@pytest.fixture(scope="session")
def small_config() -> GeneratorConfig:
    return GeneratorConfig(min_group_size=8, max_interest=300, max_demographics=300)
