"""Fixtures of the generator tests: small synthetic inputs, the built default dataset."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture(scope="session")
def default_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An rbh cache dir holding the built `rbh-default` dataset (built once per session)."""
    import os

    root = tmp_path_factory.mktemp("default-cache")
    old = os.environ.get("RBH_CACHE_DIR")
    os.environ["RBH_CACHE_DIR"] = str(root)
    try:
        from rbh_kg.generator.default_dataset import default_dataset_path

        default_dataset_path(progress=False)
    finally:
        if old is None:
            os.environ.pop("RBH_CACHE_DIR", None)
        else:
            os.environ["RBH_CACHE_DIR"] = old
    return root
