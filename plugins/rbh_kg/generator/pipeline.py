"""The generator end to end for one domain: mine → draft every subtype → phrase → validate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from rbh import KG, Catalog, Sample
from rbh_kg.generator.config import SOURCE, GeneratorConfig, GeneratorInputs
from rbh_kg.generator.context import BuildContext
from rbh_kg.generator.demographics import build_demographics
from rbh_kg.generator.draft_rules import draft_violations
from rbh_kg.generator.drafts import Draft
from rbh_kg.generator.explicit import build_explicit
from rbh_kg.generator.implicit import build_implicit
from rbh_kg.generator.interest import build_interest
from rbh_kg.generator.mining import dedupe_history, mine_users
from rbh_kg.generator.misinformed import build_misinformed
from rbh_kg.generator.phrasing.base import Phraser
from rbh_kg.generator.robustness import ROBUSTNESS, paired_drafts, phrase_pairs
from rbh_kg.generator.selection import select_drafts
from rbh_kg.generator.splits import assign_splits
from rbh_kg.generator.stats import GenerationStats
from rbh_kg.generator.validators import phrase_with_retries
from rbh_kg.generator.validity import measure
from rbh_kg.generator.wording import all_novels

CONDITION_BUILDERS = (("explicit", build_explicit), ("implicit", build_implicit), ("misinformed", build_misinformed))


@dataclass
class DomainResult:
    """The generated benchmark of one domain."""

    domain: str
    catalog: Catalog
    kg: KG
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def _stage(description: str, total: int | None, progress: bool):  # noqa: ANN201
    from rbh import StageProgress

    return StageProgress(description, total, enabled=progress)


def build_drafts(
    inputs: GeneratorInputs,
    config: GeneratorConfig,
    progress: bool = False,
    stats: GenerationStats | None = None,
    ctx: BuildContext | None = None,
) -> dict[str, list[Draft]]:
    """Unphrased drafts of every subtype the inputs have data for; drafts that break a draft rule
    are dropped (and counted in `stats`)."""
    ctx = ctx or BuildContext(inputs, config)
    user_ids = inputs.user_ids(config.limit_users)
    histories = {u: dedupe_history(inputs.histories[u], ctx.index) for u in user_ids}
    minable = [(u, histories[u]) for u in user_ids if len(histories[u]) >= config.min_support]
    with _stage(f"{inputs.domain}: mining conditions", len(minable), progress) as bar:
        mined = mine_users(minable, ctx.index, config, bar.advance)
    drafts: dict[str, list[Draft]] = {}
    used: dict[str, set[int]] = {}
    for subtype, builder in CONDITION_BUILDERS:
        with _stage(f"{inputs.domain}: {subtype} drafts", len(mined), progress) as bar:
            drafts[subtype] = select_drafts(mined, subtype, partial(builder, ctx), config, used)
            bar.advance(len(mined))
    if config.robustness_pairs:
        drafts[ROBUSTNESS] = paired_drafts(ctx, mined, config, histories)
    with _stage(f"{inputs.domain}: interest sequences", None, progress):
        drafts["interest"] = build_interest(ctx, histories)
    with _stage(f"{inputs.domain}: demographic groups", None, progress):
        drafts["demographics"] = build_demographics(ctx, histories)
    stats = stats if stats is not None else GenerationStats()
    kg = inputs.kg  # whether a query may call its answers "novels" (only domains with that noun use it)
    drafts = {s: [replace(d, novels=all_novels(kg, d.ground_truth)) for d in ds] for s, ds in drafts.items()}
    # robustness triples were checked whole by `paired_drafts` (dropping one member would misalign them)
    return {s: kept for s, d in drafts.items() if (kept := d if s == ROBUSTNESS else _valid(d, ctx, histories, stats))}


def _valid(drafts: Sequence[Draft], ctx: BuildContext, histories: dict[str, tuple[str, ...]], stats: GenerationStats) -> list[Draft]:
    kept = []
    for d in drafts:
        broken = draft_violations(d, ctx, histories)
        for rule in broken:
            stats.rejected[(d.domain, d.subtype, rule)] += 1
        if broken:
            stats.dropped[(d.domain, d.subtype)] += 1
        else:
            kept.append(d)
    return kept


def phrase_and_validate(
    drafts: Sequence[Draft],
    phraser: Phraser,
    catalog: Catalog,
    config: GeneratorConfig,
    stats: GenerationStats,
    advance: Callable[[int], None] | None = None,
) -> list[Sample]:
    """Phrase every draft; a query that breaks a validator is re-asked up to `max_attempts`
    times, then dropped. Ids follow draft order: `{domain}-{subtype}-{n:06d}`."""
    queries = phrase_with_retries(drafts, phraser, catalog, config.max_attempts, stats.rejected, lambda d: d.subtype, advance)
    for d, q in zip(drafts, queries):
        if q is None:
            stats.dropped[(d.domain, d.subtype)] += 1
    kept = [(d, *q) for d, q in zip(drafts, queries) if q is not None]
    return [d.to_sample(f"{d.domain}-{d.subtype}-{n:06d}", q, qd, SOURCE) for n, (d, q, qd) in enumerate(kept)]


def drop_repeated_questions(samples: list[Sample], config: GeneratorConfig, stats: GenerationStats) -> list[Sample]:
    """A request asked twice with the same ground truth is written once (the copy the splits keep,
    `assign_splits`); the other copies leave here, before anything is counted or measured, so the
    card's figures describe what the dataset holds. Each is counted as `repeated_question`."""
    kept = {s.id for rows in assign_splits(sorted(samples, key=lambda s: s.id), config.split_shares, config.seed).values() for s in rows}
    for s in samples:
        if s.id not in kept:
            stats.rejected[(s.domain, s.subtype, "repeated_question")] += 1
            stats.dropped[(s.domain, s.subtype)] += 1
    return [s for s in samples if s.id in kept]


def generate_domain(
    inputs: GeneratorInputs, config: GeneratorConfig, phraser: Phraser, stats: GenerationStats, progress: bool = False
) -> DomainResult:
    """Drafts, phrased and validated samples of one domain, with their validity figures."""
    ctx = BuildContext(inputs, config)
    drafts = build_drafts(inputs, config, progress, stats, ctx)
    phraser.bind(inputs.catalog)
    result = DomainResult(inputs.domain, inputs.catalog, inputs.kg)
    for subtype, subtype_drafts in drafts.items():
        if subtype == ROBUSTNESS:
            result.samples.update(phrase_pairs(subtype_drafts, phraser, inputs.catalog, config, stats))
            continue
        stats.drafts[(inputs.domain, subtype)] += len(subtype_drafts)
        with _stage(f"{inputs.domain}: phrasing {subtype}", len(subtype_drafts), progress) as bar:
            samples = phrase_and_validate(subtype_drafts, phraser, inputs.catalog, config, stats, bar.advance)
        samples = drop_repeated_questions(samples, config, stats)
        stats.add_samples(samples)
        if samples:
            result.samples[subtype] = samples
    for subtype, samples in result.samples.items():
        measure(ctx, samples, stats.validity_of(inputs.domain, subtype))
    return result
