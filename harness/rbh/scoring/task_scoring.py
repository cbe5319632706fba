"""Scoring one task's responses: parse, resolve, apply the task's scorers (as the chosen scoring
set substitutes them), aggregate, break down.

Used by `rbh run` after generation and by `rbh score` on a saved run. A scorer that raises on a
sample is contained: that value is missing, and the sample is listed as an error naming the
scorer and its plugin.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rbh.data.resolution import ResolutionOptions
from rbh.errors import ConfigError, RbhError
from rbh.gc_pause import gc_paused
from rbh.scoring.base import Breakdown, Scorer, ScoringInput, TaskScorer
from rbh.scoring.bootstrap import MetricValue
from rbh.scoring.breakdowns import compute_breakdowns
from rbh.scoring.context import TaskContext
from rbh.scoring.parse import ParsedTitle, dedupe_titles, parse_titles
from rbh.scoring.refusals import refusal_kind
from rbh.scoring.sets import DEFAULT_SCORING, ScoringSet

if TYPE_CHECKING:
    from rbh.data.catalog import Catalog
    from rbh.data.kg import KG
    from rbh.data.sample import Sample
    from rbh.interactive.conversation import Conversation
    from rbh.models.base import Completion
    from rbh.registry import Registry
    from rbh.tasks.config import TaskConfig


@dataclass
class BuiltScorer:
    """A scorer instance with the provenance of the plugin that registered it."""

    scorer: Scorer
    provenance: dict[str, str]

    @property
    def metric(self) -> str:
        return self.scorer.metric


@dataclass
class ScoredSample:
    """One sample with its response, parsed titles, resolved ids and metric values."""

    sample: "Sample"
    completion: "Completion"
    parsed: list[dict[str, Any]]
    resolved: list[str | None]
    metrics: dict[str, float | None]
    scorer_errors: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # per-sample facts scorers add (first_failed_condition)
    conversation: "Conversation | None" = None  # interactive tasks: the conversation this completion ended
    refused: str | None = None  # "finish_reason" or "text" when the model declined (rbh.scoring.refusals)

    @property
    def error(self) -> str | None:
        """Why this sample failed: the model's error, else the first scorer that raised."""
        if self.completion.error:
            return self.completion.error
        return next(iter(self.scorer_errors.values()), None)


@dataclass
class TaskScores:
    """Per-sample and aggregated results of one task."""

    samples: list[ScoredSample]
    metrics: dict[str, MetricValue]
    scorer_provenance: dict[str, dict[str, str]] = field(default_factory=dict)
    breakdowns: dict[str, Any] = field(default_factory=dict)  # {dimension: {group: {metric: {value, stderr, n}}}}
    repeats: int = 1
    spread: list[dict[str, float]] = field(default_factory=list)  # per unique sample: std over repeats

    def mean_spread(self) -> dict[str, float]:
        """Per metric: the mean over samples of the standard deviation over repeats."""
        out: dict[str, list[float]] = {}
        for row in self.spread:
            for name, value in row.items():
                out.setdefault(name, []).append(value)
        return {name: round(sum(v) / len(v), 6) for name, v in out.items()}


def build_scorers(task: "TaskConfig", registry: "Registry", scoring: ScoringSet = DEFAULT_SCORING) -> list[BuiltScorer]:
    """Instantiate the task's scorers (substituted by the scoring set) with their YAML options;
    an unknown metric or bad options is a ConfigError naming the task."""
    built = []
    for spec in task.metrics:
        name, options = scoring.scorer_for(spec.name), dict(spec.options)
        known = registry.scorers()
        cutoff = re.fullmatch(r"(.+)@(\d+)", name)
        if name not in known and cutoff and cutoff.group(1) in known:  # `ndcg@10`: ndcg with at=10
            name, options = cutoff.group(1), {"at": int(cutoff.group(2)), **options}
            if "at" not in known[name].obj.Options.model_fields:
                raise ConfigError(f"task {task.task}: metric {spec.name}: {name} takes no cutoff (@k)")
        try:
            entry = registry.scorer(name)
        except RbhError as exc:
            raise ConfigError(f"task {task.task}: metric {spec.name}: {exc}") from None
        try:
            scorer = entry.obj(metric=spec.name, **options)
        except Exception as exc:  # pydantic ValidationError or a scorer's own check
            first = str(exc).splitlines()
            raise ConfigError(f"task {task.task}: metric {spec.name}: bad options: {first[0] if first else exc}") from None
        built.append(BuiltScorer(scorer, entry.provenance))
    return built


@gc_paused()
def score_task(
    task: "TaskConfig",
    samples: Sequence["Sample"],
    completions: Sequence["Completion"],
    catalog: "Catalog",
    kg: "KG",
    scorers: Sequence[BuiltScorer],
    *,
    k: int | None,
    seed: int = 0,
    repeats: int = 1,
    population: Sequence["Sample"] | None = None,
    conversations: Sequence["Conversation"] | None = None,
) -> TaskScores:
    """Score one task's completions in four steps, each a function below:

    1. `read_responses`: parse every response into titles and resolve them all at once, once per
       set of resolution options the scorers use;
    2. `score_samples`: apply the per-sample scorers to every answered sample (a scorer that
       raises leaves that value missing and names itself in the sample's errors);
    3. `aggregate_task`: the task's metrics — task scorers over every answered sample, the mean
       (or a scorer's own aggregate) of each per-sample metric, and breakdowns only the whole
       task can give;
    4. `compute_breakdowns`: each metric by number of conditions, relation, demographic, …

    Samples whose completion failed are kept in the rows but excluded from every metric
    (docs/design.md §8.3). With `repeats` > 1, `samples` and `completions` hold each sample
    `repeats` times in a row: a sample's value is the mean over its repeats, and the per-sample
    standard deviation is kept as the spread. `population` is every sample of the task's dataset
    config (item popularity is counted over it; default: `samples`). `conversations`
    (interactive tasks) holds each completion's conversation, in the same order.

    The cyclic garbage collector is paused meanwhile: scoring builds many small objects that
    live to the end, and its full scans of them would otherwise cost a third of the time."""
    plan = plan_scorers(task, scorers)
    read = read_responses(task, completions, catalog, plan, k)
    context = TaskContext(catalog, samples if population is None else population)
    rows, answered = score_samples(samples, completions, conversations, read, plan, ScoringSetting(catalog, kg, k, context, task))
    return assemble_scores(rows, answered, plan, scorers, repeats, seed)


def assemble_scores(
    rows: list[ScoredSample], answered: Sequence["_Inputs"], plan: "ScorerPlan", scorers: Sequence[BuiltScorer], repeats: int, seed: int
) -> TaskScores:
    """Steps 3 and 4 of `score_task` over scored rows: the task's metrics and breakdowns."""
    unique = [row.sample for row in rows[::repeats]]
    per_sample, spread = collapse_repeats([row.metrics for row in rows], repeats)
    metrics, task_breakdowns = aggregate_task(plan, answered, per_sample, unique, seed)
    breakdowns = compute_breakdowns(unique, per_sample, [p.built.scorer for p in plan.steps if not p.is_task], seed)
    for more in task_breakdowns:
        for dimension, groups in more.items():
            for group, cell in groups.items():
                breakdowns.setdefault(dimension, {}).setdefault(group, {}).update({m: v.to_dict() for m, v in cell.items()})
    return TaskScores(rows, metrics, {b.metric: b.provenance for b in scorers}, breakdowns, repeats, spread)


class TaskScoring:
    """`score_task` one completion at a time, as completions arrive (`add`: parse, resolve and
    the per-sample scorers, so a plugin's `on_sample_end` hears each sample while the run goes
    on), then the task (`finish`: task scorers, aggregates, breakdowns). Gives what `score_task`
    gives for the same completions."""

    def __init__(
        self,
        task: "TaskConfig",
        catalog: "Catalog",
        kg: "KG",
        scorers: Sequence[BuiltScorer],
        *,
        k: int | None,
        population: Sequence["Sample"],
    ):
        self.task, self.catalog, self.scorers, self.k = task, catalog, scorers, k
        self.plan = plan_scorers(task, scorers)
        self.setting = ScoringSetting(catalog, kg, k, TaskContext(catalog, population), task)
        self._rows: dict[int, ScoredSample] = {}
        self._inputs: dict[int, _Inputs] = {}
        self._by_subtype: dict[str, list[_Planned]] = {}

    def add(self, index: int, sample: "Sample", completion: "Completion") -> ScoredSample:
        """Score the completion of request `index` (each repeat is its own request)."""
        with gc_paused():
            read = read_responses(self.task, [completion], self.catalog, self.plan, self.k)
            rows, answered = score_samples([sample], [completion], None, read, self.plan, self.setting, self._by_subtype)
        self._rows[index] = rows[0]
        if answered:
            self._inputs[index] = answered[0]
        return rows[0]

    def finish(self, repeats: int, seed: int) -> TaskScores:
        """The task's scores, rows in request order (every request must have been added)."""
        order = sorted(self._rows)
        if order != list(range(len(order))):
            raise RuntimeError(f"task {self.task.task}: {len(order)} completions scored, not in one piece")
        with gc_paused():
            answered = [self._inputs[i] for i in order if i in self._inputs]
            return assemble_scores([self._rows[i] for i in order], answered, self.plan, self.scorers, repeats, seed)


@dataclass(frozen=True)
class ScorerPlan:
    """What is decided about a task's scorers once: the distinct sets of resolution options they
    use (slot 0 is the task's own), and for each scorer its slot and kind."""

    options: list[ResolutionOptions]
    steps: list["_Planned"]

    def for_subtype(self, subtype: str, cache: dict[str, list["_Planned"]]) -> list["_Planned"]:
        """The per-sample scorers that apply to a subtype (computed once per subtype)."""
        if subtype not in cache:
            cache[subtype] = [step for step in self.steps if not step.is_task and step.built.scorer.applies_to(subtype)]
        return cache[subtype]


def plan_scorers(task: "TaskConfig", scorers: Sequence[BuiltScorer]) -> ScorerPlan:
    default = task.resolution
    options = list(dict.fromkeys([default, *(resolution_of(b.scorer, default) for b in scorers if b.scorer.uses_resolution)]))
    steps = [
        _Planned(
            b,
            options.index(resolution_of(b.scorer, default)) if b.scorer.uses_resolution else 0,
            isinstance(b.scorer, TaskScorer),
            b.scorer.adds_details(),
        )
        for b in scorers
    ]
    return ScorerPlan(options, steps)


@dataclass
class ReadResponses:
    """Every response as titles: all parsed (before deduplication and the cut to k), the deduped
    and cut list the metrics use, and its catalog ids per resolution slot."""

    every_title: list[list[ParsedTitle]]
    parsed: list[list[ParsedTitle]]
    resolved: list[list[list[str | None]]]  # [slot][response][title]


def read_responses(
    task: "TaskConfig", completions: Sequence["Completion"], catalog: "Catalog", plan: ScorerPlan, k: int | None
) -> ReadResponses:
    every_title = [parse_titles(c.text, task.output.format) for c in completions]
    parsed = [dedupe_titles(titles, k) for titles in every_title]
    return ReadResponses(every_title, parsed, [resolve_all(catalog, parsed, opts) for opts in plan.options])


@dataclass(frozen=True)
class ScoringSetting:
    """What every sample of a task is scored against."""

    catalog: "Catalog"
    kg: "KG"
    k: int | None
    context: TaskContext
    task: "TaskConfig"


def score_samples(
    samples: Sequence["Sample"],
    completions: Sequence["Completion"],
    conversations: Sequence["Conversation"] | None,
    read: ReadResponses,
    plan: ScorerPlan,
    setting: ScoringSetting,
    by_subtype: dict[str, list["_Planned"]] | None = None,
) -> tuple[list[ScoredSample], list["_Inputs"]]:
    """A row per completion, with the per-sample scorers' values for the answered ones; and the
    scoring inputs of the answered samples (what task scorers read). `by_subtype` caches which
    scorers apply to a subtype across calls."""
    rows: list[ScoredSample] = []
    answered: list[_Inputs] = []
    by_subtype = {} if by_subtype is None else by_subtype
    exclude = setting.task.refusals == "exclude"
    for n, (sample, completion) in enumerate(zip(samples, completions)):
        row = ScoredSample(sample, completion, [p.to_dict() for p in read.parsed[n]], list(read.resolved[0][n]), {})
        row.conversation = conversations[n] if conversations is not None else None
        if sample.candidates:  # a rank task's list, in the order shown, failed samples included
            row.details["candidates"] = list(sample.candidates)
        if completion.error is None:
            row.refused = refusal_kind(completion.text, completion.finish_reason, read.resolved[0][n])
            if row.refused:
                row.details["refused"] = row.refused
            inputs = _Inputs(
                row,
                tuple(read.parsed[n]),
                [tuple(ids[n]) for ids in read.resolved],
                setting.catalog,
                setting.kg,
                setting.k,
                setting.context,
                setting.task.output.format,
            )
            inputs.all_titles = tuple(read.every_title[n])
            steps = plan.for_subtype(sample.subtype, by_subtype)
            if row.refused and exclude:  # out of every mean but the refusal count's
                _apply_scorers(row, [p for p in steps if p.built.scorer.counts_refusals], inputs)
            else:
                _apply_scorers(row, steps, inputs)
                answered.append(inputs)
        rows.append(row)
    return rows, answered


def aggregate_task(
    plan: ScorerPlan,
    answered: Sequence["_Inputs"],
    per_sample: Sequence[dict[str, float | None]],
    unique: Sequence["Sample"],
    seed: int,
) -> tuple[dict[str, MetricValue], list[Breakdown]]:
    """The task's metrics, and the breakdowns only the whole task can give. A metric that
    applies to some sample is reported even when no sample was answered (n = 0)."""
    metrics: dict[str, MetricValue] = {}
    extra: list[Breakdown] = []
    inputs_of: dict[tuple[int, tuple[str, ...] | None], list[ScoringInput]] = {}  # shared by scorers of one scope
    for step in plan.steps:
        scorer = step.built.scorer
        applies = any(scorer.applies_to(s.subtype) for s in unique)
        if step.is_task or scorer.adds_task_breakdowns():
            scope = (step.slot, None if scorer.subtypes is None else tuple(scorer.subtypes))
            if scope not in inputs_of:
                inputs_of[scope] = [i.at(step.slot) for i in answered if scorer.applies_to(i.row.sample.subtype)]
            task_inputs = inputs_of[scope]
            if isinstance(scorer, TaskScorer):
                if task_inputs or applies:
                    metrics.update(scorer.score_task(task_inputs, seed))
                continue
            if task_inputs:
                extra.append(scorer.task_breakdowns(task_inputs, seed))
        values = [m[step.built.metric] for m in per_sample if step.built.metric in m]
        if values or applies:
            metrics.update(scorer.aggregate(values, seed))
    return metrics, extra


@dataclass(frozen=True)
class _Planned:
    """A scorer with what score_task decides about it once per task: its resolution slot, whether
    it is a task scorer, whether it adds per-sample details."""

    built: BuiltScorer
    slot: int
    is_task: bool
    has_details: bool


class _Inputs:
    """The scoring inputs of one answered sample, one per set of resolution options (slot), built once."""

    def __init__(
        self,
        row: ScoredSample,
        parsed: tuple[ParsedTitle, ...],
        resolved: list[tuple[str | None, ...]],
        catalog: "Catalog",
        kg: "KG",
        k: int | None,
        context: TaskContext,
        output_format: str,
    ):
        self.row, self.parsed, self.resolved = row, parsed, resolved
        self.catalog, self.kg, self.k, self.context, self.output_format = catalog, kg, k, context, output_format
        self.all_titles: tuple[ParsedTitle, ...] | None = None
        self.memo: dict[str, Any] = {}  # shared by every scorer of this sample
        self._built: list[ScoringInput | None] = [None] * len(resolved)

    def at(self, slot: int) -> ScoringInput:
        built = self._built[slot]
        if built is None:
            c = self.row.completion
            built = self._built[slot] = ScoringInput(
                sample=self.row.sample,
                response=c.text,
                recommended=self.parsed,
                resolved=self.resolved[slot],
                catalog=self.catalog,
                kg=self.kg,
                k=self.k,
                reasoning=c.reasoning,
                error=c.error,
                memo=self.memo,
                context=self.context,
                output_format=self.output_format,
                all_titles=self.all_titles,
                conversation=self.row.conversation,
                refused=self.row.refused,
            )
        return built


def collapse_repeats(rows: Sequence[dict[str, float | None]], repeats: int) -> tuple[list[dict[str, float | None]], list[dict[str, float]]]:
    """Per sample: the mean of each metric over its repeats (undefined repeats left out), and the
    standard deviation over the repeats where at least two are defined."""
    if repeats == 1:
        return list(rows), [{} for _ in rows]
    means: list[dict[str, float | None]] = []
    spreads: list[dict[str, float]] = []
    for start in range(0, len(rows), repeats):
        group = rows[start : start + repeats]
        mean: dict[str, float | None] = {}
        spread: dict[str, float] = {}
        for name in dict.fromkeys(n for r in group for n in r):
            values = [float(v) for r in group if (v := r.get(name)) is not None]
            mean[name] = sum(values) / len(values) if values else None
            if len(values) >= 2:
                mu = sum(values) / len(values)
                spread[name] = (sum((v - mu) ** 2 for v in values) / (len(values) - 1)) ** 0.5
        means.append(mean)
        spreads.append(spread)
    return means, spreads


def _apply_scorers(row: ScoredSample, plan: Sequence[_Planned], inputs: _Inputs) -> None:
    """Apply the per-sample scorers of `plan` (those that apply to this sample's subtype)."""
    at = [inputs.at(slot) for slot in range(len(inputs.resolved))]
    for step in plan:
        scorer = step.built.scorer
        x = at[step.slot]
        try:
            row.metrics[step.built.metric] = scorer.score(x)
            if step.has_details:
                row.details.update(scorer.details(x) or {})
        except Exception as exc:  # noqa: BLE001 — contained: this value is missing, the sample is an error
            detail = " ".join(str(exc).split())[:300]
            row.scorer_errors[step.built.metric] = (
                f"scorer {scorer.name} (plugin {step.built.provenance.get('plugin', 'unknown')}) raised {type(exc).__name__}: {detail}"
            )


def resolution_of(scorer: Scorer, task_default: ResolutionOptions) -> ResolutionOptions:
    """The resolution options a scorer sets itself (`resolution:` in its options), else the task's."""
    if "resolution" in scorer.options.model_fields_set:
        options = getattr(scorer.options, "resolution", None)
        if isinstance(options, ResolutionOptions):
            return options
    return task_default


def resolve_all(catalog: "Catalog", parsed: Sequence[Sequence[ParsedTitle]], options: ResolutionOptions) -> list[list[str | None]]:
    """Catalog ids (None: unresolved) of each response's parsed titles; every title goes through
    one batched `resolve_many` call."""
    flat = [(p.title, p.year) for titles in parsed for p in titles]
    ids = iter(r.item_id for r in catalog.resolve_many(flat, options))
    return [[next(ids) for _ in titles] for titles in parsed]
