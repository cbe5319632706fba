"""The `kg` generator (docs/design.md §9): builds a RecBench+-style benchmark — explicit, implicit,
misinformed, interest and demographics requests — from a KG, interactions and users.

    from rbh_kg.generator import GeneratorConfig, GeneratorInputs, generate_benchmark
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from rbh import GenerationReport, Generator, ReportTable
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

    def generate(self, out_dir: Path, **options: Any) -> GenerationReport:
        """Options: `domain` (a registered domain profile, or "all": the shipped movie and book data), `kg`/`items`/`interactions`/`users`/`people` paths
        (bring-your-own data; else the shipped data), `phraser`, `model_args`, `progress`, and any
        GeneratorConfig field (seed, limit_users, min_support, per_user, workers)."""
        from rbh import UsageError, get_registry
        from rbh_kg.generator.inputs import default_inputs, load_inputs

        known = {f.name for f in fields(GeneratorConfig)}
        own = {"domain", "kg", "items", "interactions", "users", "people", "phraser", "model_args", "progress"}
        unknown = sorted(set(options) - known - own)
        if unknown:
            raise UsageError(f"generator kg: unknown option(s) {', '.join(unknown)}")
        for name in ("limit_users", "min_support", "per_user", "workers"):
            value = options.get(name)
            if value is not None and value < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be a positive integer")
        domain = options.get("domain") or "all"
        profiles = sorted(get_registry().domains())
        if domain != "all" and domain not in profiles:
            raise UsageError(
                f"--domain {domain}: no domain profile {domain!r} is registered (known: {', '.join(profiles)}, or all); "
                "a plugin registers one (docs/generator.md, 'Adding a domain')"
            )
        files: list[Any] = [options.get(k) for k in ("kg", "items", "interactions", "users", "people")]
        if any(files):
            if domain == "all":
                raise UsageError("--domain all works with the shipped data only; give one domain with --kg/--interactions")
            if options.get("kg") is None or options.get("interactions") is None:
                raise UsageError("bring-your-own data needs at least --kg and --interactions")
            inputs = [load_inputs(domain, *files)]
        else:
            inputs = [default_inputs(d) for d in (("movie", "book") if domain == "all" else (domain,))]
        config = GeneratorConfig(**{k: v for k, v in options.items() if k in known and v is not None})
        out, stats = generate_benchmark(
            inputs,
            Path(out_dir),
            config,
            options.get("phraser") or "template",
            bool(options.get("progress")),
            model_args=options.get("model_args"),
        )
        tables = [
            ReportTable("generated samples (per subtype × number of conditions)", stats.columns(), list(stats.rows()), keys=2),
            ReportTable("statistics per subtype, beside the paper's figures", stats.summary_columns(), list(stats.summary_rows()), keys=3),
            ReportTable(
                "validity: samples passing each rule (docs/generator.md)", list(stats.VALIDITY_COLUMNS), list(stats.validity_rows()), keys=3
            ),
            ReportTable(
                "answers: the ground truth's median share of the valid catalog answers, repeated requests, top hidden entity",
                list(stats.ANSWER_COLUMNS),
                list(stats.answer_rows()),
                keys=2,
            ),
        ]
        if stats.rejected:
            tables.append(
                ReportTable(
                    "rejected phrasings (failed attempts, by validator rule)",
                    ["domain", "subtype", "rule", "count"],
                    list(stats.reject_rows()),
                    keys=3,
                )
            )
        return GenerationReport(out, tables)
