"""The `kg` generator (DESIGN §9): builds a RecBench+-style benchmark — explicit, implicit,
misinformed, interest and demographics requests — from a KG, interactions and users.

    from rbh_kg.generator import GeneratorConfig, GeneratorInputs, generate_benchmark
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rbh.generators import Generator
from rbh_kg.generator.config import GENERATOR_VERSION, SOURCE, GeneratorConfig, GeneratorInputs
from rbh_kg.generator.stats import GenerationStats

__all__ = ["GENERATOR_VERSION", "SOURCE", "GeneratorConfig", "GeneratorInputs", "GenerationStats", "KGGenerator", "generate_benchmark"]


def generate_benchmark(
    inputs: Sequence[GeneratorInputs],
    out: Path,
    config: GeneratorConfig | None = None,
    phraser: str = "template",
    progress: bool = False,
    title: str = "RecBench+ benchmark",
    registry: Any = None,
    model_args: str | None = None,
) -> tuple[Path, GenerationStats]:
    """Generate every domain of `inputs` and export one dataset folder at `out`."""
    from rbh_kg.generator.export import export_dataset
    from rbh_kg.generator.phrasing import make_phraser
    from rbh_kg.generator.pipeline import generate_domain

    config = config or GeneratorConfig()
    stats = GenerationStats()
    phrasing = make_phraser(phraser, seed=config.seed, registry=registry, model_args=model_args)
    try:
        results = [generate_domain(i, config, phrasing, stats, progress) for i in inputs]
    finally:
        close = getattr(phrasing, "close", None)
        if close is not None:
            close()
    return export_dataset(out, results, stats, config, phraser, title), stats


class KGGenerator(Generator):
    """`rbh generate`: the RecBench+ construction over a KG + interactions (+ demographics)."""

    name = "kg"
    description = "RecBench+ construction: condition mining, bridges, misinformation, shared interests, demographic groups"

    def generate(self, out_dir: Path, **options: Any) -> Path:
        """Options: domains (list), phraser, progress, and any GeneratorConfig field; inputs are
        the shipped data unless `inputs` (a list of GeneratorInputs) is given."""
        from dataclasses import fields

        from rbh_kg.generator.inputs import default_inputs

        known = {f.name for f in fields(GeneratorConfig)}
        config = GeneratorConfig(**{k: v for k, v in options.items() if k in known})
        inputs = options.get("inputs") or [default_inputs(d) for d in options.get("domains", ("movie", "book"))]
        out, _ = generate_benchmark(inputs, Path(out_dir), config, options.get("phraser", "template"), options.get("progress", False))
        return out
