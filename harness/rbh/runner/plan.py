"""Planning a run (docs/design.md §7): the options, already checked as options by the one front
door (`rbh.runner.options`), are checked against everything they name — scoring set, backend and
its arguments, generation arguments, tasks, scorers, datasets, prompts, the output folder and the
response cache — before the model is built and before the first request, so a misconfiguration
is one line, exit 2, and costs nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.completion import CompletionService
from rbh.completion.cache import open_cache
from rbh.completion.service import model_entry as checked_model_entry
from rbh.data.dataset import BenchmarkDataset, load_dataset
from rbh.errors import ConfigError, DataError, UsageError
from rbh.models.base import ChatRequest, Completion, Message
from rbh.models.spec import ModelSpec
from rbh.results.folder import check_output_parent
from rbh.runner.selection import Selection
from rbh.scoring.sets import ScoringSet
from rbh.scoring.task_scoring import BuiltScorer, build_scorers
from rbh.tasks.config import MetricSpec, check_generation, expand_sweeps

if TYPE_CHECKING:
    from rbh.data.sample import Sample
    from rbh.interactive.conversation import Conversation
    from rbh.interactive.simulator import Simulator
    from rbh.registry import Registered, Registry
    from rbh.scoring.task_scoring import TaskScoring
    from rbh.tasks.config import TaskConfig
    from rbh.tasks.index import TaskIndex


@dataclass
class RunOptions:
    """Everything `rbh run` was asked to do."""

    tasks: str
    model: ModelSpec
    gen_kwargs: dict[str, Any] = field(default_factory=dict)
    dataset: str | None = None
    selection: Selection = field(default_factory=Selection)
    repeats: int = 1
    metrics: list[str] | None = None  # --metrics: replaces every task's metric list
    run_name: str | None = None
    k: int | None = None
    history: bool | None = None
    seed: int = 0
    output: Path = Path("results")
    use_cache: bool = True
    cache_path: Path | None = None
    refresh: bool = False  # send every request again and replace the cached answers
    scoring: str = "rbh"
    command: str = ""
    show_progress: bool = True
    log_samples: str = "slim"  # slim (rows name the dataset sample), full (rows copy it), none (results only)
    print_table: bool = True
    show_metrics: tuple[str, ...] = ()  # opt-in metric sections for the console table (ranking, beyond, diagnosis, all)
    breakdown: bool = False  # also print the breakdown tables
    max_cost: float | None = None  # USD: stop sending before the next request would cross it
    tools: list[str] | None = None  # --tools: the tools of every interactive task (None: the tasks' own)
    negatives: str | None = None  # --negatives: the negative strategy of every rank task (None: the tasks' own)
    effort_sweep: list[str] | None = None  # --effort-sweep: every task once per reasoning effort (None: the tasks' own sweeps)


@dataclass
class TaskPlan:
    """One task, ready to run: its samples, their rendered messages, keyed requests and scorers."""

    task: "TaskConfig"
    dataset_spec: str
    dataset: BenchmarkDataset
    samples: list["Sample"]
    messages: list[tuple[Message, ...]]
    k: int | None
    history: bool
    gen: dict[str, Any]
    scorers: list[BuiltScorer]
    repeats: int = 1
    requests: list[ChatRequest] = field(default_factory=list)  # each sample `repeats` times in a row
    completions: list[Completion] = field(default_factory=list)
    simulator: "Simulator | None" = None  # interactive tasks: who plays the user
    conversations: list["Conversation"] = field(default_factory=list)  # interactive: one opened conversation per sample
    tools: tuple[dict[str, Any], ...] = ()  # interactive: tool specs the assistant may call

    @property
    def scored_samples(self) -> list["Sample"]:
        """The samples in request order (each repeated `repeats` times)."""
        return [s for s in self.samples for _ in range(self.repeats)]

    scoring: "TaskScoring | None" = None  # single-turn tasks: scored as completions arrive (rbh run)

    def sample_of(self, request_index: int) -> "Sample":
        """The sample of one request (each sample has `repeats` requests in a row)."""
        return self.samples[request_index // self.repeats]

    def release(self) -> None:
        """Let go of what a finished task no longer needs (its prompts, requests, completions,
        conversations and scoring state), so that a run's memory holds one task's at a time."""
        self.messages, self.requests, self.completions, self.conversations = [], [], [], []
        self.scoring = None


@dataclass
class RunPlan:
    """A validated run: its tasks, the scoring set, and the completion service (model + cache)."""

    options: RunOptions
    scoring: ScoringSet
    tasks: list[TaskPlan]
    service: CompletionService
    model_entry: "Registered[Any]"
    index: "TaskIndex | None" = None  # the tasks and groups the selection was made from


class DatasetResolver:
    """Opens each dataset once: registered names, `hf:` names and folders."""

    def __init__(self, registry: "Registry"):
        self.registry = registry
        self._open: dict[str, tuple[str, BenchmarkDataset]] = {}

    def open(self, name: str) -> tuple[str, BenchmarkDataset]:
        """(resolved spec, dataset) for a task's `dataset.name` or a `--dataset` value."""
        if name not in self._open:
            entry = self.registry.dataset(name)
            spec = entry.obj.resolve() if entry is not None else name
            self._open[name] = (spec, load_dataset(spec))
        return self._open[name]


def check_show_metrics(show: tuple[str, ...], registry: "Registry") -> None:
    """`--show-metrics` names only table sections some registered scorer uses (or `all`)."""
    known = {e.obj.table_section for e in registry.scorers().values() if e.obj.table_section} | {"all"}
    unknown = [g for g in show if g not in known]
    if unknown:
        raise UsageError(f"--show-metrics: unknown section {unknown[0]!r} (known: {', '.join(sorted(known))})")


def plan_run(options: RunOptions, registry: "Registry") -> RunPlan:
    """Check everything, cheapest first; then build the model and key every request."""
    from rbh.tasks.index import load_task_index

    scoring = registry.scoring_set(options.scoring)
    check_show_metrics(options.show_metrics, registry)
    check_batch_mode(options.model, registry)
    model_entry = checked_model_entry(options.model, registry)
    check_generation(options.gen_kwargs, "--gen-kwargs")
    index = load_task_index(registry.task_folders())
    selected = [with_negatives(t, options.negatives) for t in index.select(options.tasks)]
    if options.effort_sweep is not None:
        selected = [t.model_copy(update={"effort_sweep": list(options.effort_sweep)}) for t in selected]
    tasks = expand_sweeps(selected)
    if options.metrics is not None:
        tasks = [t.model_copy(update={"metrics": [MetricSpec(name=m) for m in options.metrics]}) for t in tasks]
    if options.tools is not None:
        tasks = [t.model_copy(update={"tools": list(options.tools)}) if t.interactive else t for t in tasks]
    scorers = {t.task: build_scorers(t, registry, scoring) for t in tasks}
    resolver = DatasetResolver(registry)
    plans = [plan_task(t, resolver, registry, options, scorers[t.task]) for t in tasks]
    check_output_parent(options.output)
    check_run_name(options)
    cache = open_cache(options.cache_path) if options.use_cache else None
    try:
        service = CompletionService.build(options.model, model_entry, cache)
    except BaseException:
        if cache is not None:
            cache.close()
        raise
    service.refresh = options.refresh
    if options.max_cost is not None:
        set_budget(service, options.max_cost)
    for plan in plans:
        plan.requests = [
            service.request(messages, plan.gen, sample=sample, dataset=plan.dataset, k=plan.k, repeat=r, tools=plan.tools)
            for sample, messages in zip(plan.samples, plan.messages)
            for r in range(plan.repeats)
        ]  # interactive tasks: the first turn's requests (what a dry run counts)
    return RunPlan(options, scoring, plans, service, model_entry, index)


def with_negatives(task: "TaskConfig", strategy: str | None) -> "TaskConfig":
    """A rank task with its negatives drawn by `strategy` (`--negatives`); other tasks as they are."""
    if strategy is None or not task.ranks_candidates:
        return task
    return task.model_copy(update={"candidates": task.candidates.model_copy(update={"strategy": strategy})})


def check_run_name(options: RunOptions) -> None:
    """`--run-name NAME` names one folder: a run that exists there is not renamed around (an
    unnamed run gets a fresh timestamped folder instead)."""
    from rbh.results.folder import run_dir_name

    if options.run_name is not None:
        path = options.output / run_dir_name(options.run_name, named=True)
        if path.exists():
            raise UsageError(f"--run-name {options.run_name}: {path} exists (choose another name, or remove it)")


def check_batch_mode(spec: ModelSpec, registry: "Registry") -> None:
    """`--batch` (model arg `batch=true`) only for backends with a batch API."""
    from rbh.models.arguments import accepted_args

    if spec.args.get("batch") and "batch" not in accepted_args(registry.model(spec.backend).obj):
        raise UsageError(f"--batch: the {spec.backend} backend has no batch API (openai and anthropic have)")


def set_budget(service: CompletionService, max_cost: float) -> None:
    """`--max-cost`: a budget needs a known price (else nothing could be checked against it)."""
    from rbh.cost.budget import Budget

    if max_cost <= 0:
        raise UsageError("--max-cost must be a positive number of USD")
    if service.price is None:
        service.close()
        raise UsageError(
            f"--max-cost: the price of {service.model.display_name} is unknown; give price_in=...,price_out=... "
            "(USD per million tokens) in --model-args or in the user price file (docs/backends.md)"
        )
    service.budget = Budget(max_cost)


def plan_task(
    task: "TaskConfig", resolver: DatasetResolver, registry: "Registry", options: RunOptions, scorers: list[BuiltScorer]
) -> TaskPlan:
    """Load the task's samples and render every prompt (`task_prompts`, shared with export)."""
    from rbh.runner.task_prompts import task_prompts

    prompts = task_prompts(
        task, resolver, registry, dataset=options.dataset, selection=options.selection, k=options.k, history=options.history
    )
    gen = check_generation({**task.generation, **options.gen_kwargs}, f"task {task.task}: generation")
    plan = TaskPlan(
        task,
        prompts.dataset_spec,
        prompts.dataset,
        prompts.samples,
        prompts.messages,
        prompts.k,
        prompts.history,
        gen,
        scorers,
        options.repeats,
    )
    if task.interactive:
        open_conversations(plan, registry, options)
    return plan


def open_conversations(plan: TaskPlan, registry: "Registry", options: RunOptions) -> None:
    """An interactive task's simulator (its options checked), its opened conversations, and the
    first turn's messages: the task's prompt rendered with the opening message as the query."""
    from dataclasses import replace

    from rbh.errors import RbhError
    from rbh.interactive.simulator import SimulatorContext
    from rbh.interactive.tools import tool_specs
    from rbh.tasks.prompts import PromptRenderer

    task = plan.task
    entry = registry.simulator(task.simulator.name)
    context = SimulatorContext(
        catalog=plan.dataset.catalog(task.domain),
        kg=plan.dataset.kg(task.domain),
        domain=task.domain,
        output_format=task.output.format,
        resolution=task.resolution,
        seed=options.seed,
        max_turns=task.max_turns,
        registry=registry,
        cache_path=options.cache_path,
        use_cache=options.use_cache,
    )
    try:
        simulator = entry.obj(context, **task.simulator.options)
    except RbhError:
        raise
    except Exception as exc:  # pydantic ValidationError or the simulator's own check
        first = str(exc).splitlines()
        raise ConfigError(f"task {task.task}: simulator {task.simulator.name}: bad options: {first[0] if first else exc}") from None
    plan.simulator = simulator
    plan.conversations = simulator.start(plan.samples)
    renderer = PromptRenderer(task, registry.template_paths())
    plan.messages = [
        renderer.render(replace(sample, query=conversation.opening), context.catalog, plan.k, plan.history)
        for sample, conversation in zip(plan.samples, plan.conversations)
    ]
    plan.tools = tool_specs(task.tools)


def check_unique_ids(task: str, samples: Sequence["Sample"]) -> None:
    seen: set[str] = set()
    for s in samples:
        if s.id in seen:
            raise DataError(f"task {task}: duplicate sample id {s.id!r}")
        seen.add(s.id)
