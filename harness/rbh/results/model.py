"""The typed run results (docs/design.md §11): `results.json` and the per-sample rows of
`samples/<task>.jsonl` are written and read through these models, by `rbh run`, `rbh score` and
every later reader. `schema_version` 2 is a superset of version 1, which still reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MetricResult(_Record):
    """An aggregated metric: mean, bootstrap standard error, and the samples it is over."""

    value: float | None
    stderr: float | None
    n: int


Breakdowns = dict[str, dict[str, dict[str, MetricResult]]]  # {dimension: {group: {metric: value}}}


class DatasetRef(_Record):
    """Which dataset a task ran on: the spec as given, its name, config, split and fingerprint."""

    spec: str
    name: str
    config: str
    split: str
    fingerprint: str


class TaskCounts(_Record):
    samples: int
    cached: int
    model_calls: int
    errors: int


class TokenCounts(_Record):
    prompt: int = 0
    completion: int = 0
    reasoning: int = 0  # of `completion`, spent on reasoning where the API reports it (billed as output)


class CostResult(_Record):
    """What the tokens this run paid for cost in USD (batch prices for batch answers); `usd` is
    None when the model's price is unknown. The run-level one also says which prices were used."""

    usd: float | None = None
    batch_calls: int = 0
    price: dict[str, Any] | None = None  # USD per million tokens and their source (run level)


class SampleError(_Record):
    """A sample that failed: no response after retries, a backend that raised, or a scorer that did."""

    id: str
    error: str


class SampleRefusal(_Record):
    """A sample the model declined to answer: `kind` is `finish_reason` (the API flagged it) or
    `text` (the response declines and recommends nothing; rbh.scoring.refusals)."""

    id: str
    kind: str


class CandidateLists(_Record):
    """What a `protocol: rank` task showed (its config's `candidates:` says how they were drawn):
    the candidate-list sizes and positives per list, and the analytic chance level of each rank
    metric (its expectation under a uniformly random ordering of those lists)."""

    size_mean: float
    size_min: int
    size_max: int
    positives_mean: float
    chance: dict[str, float] = Field(default_factory=dict)


class TaskResult(_Record):
    config: dict[str, Any]
    effective: dict[str, Any]
    dataset: DatasetRef
    metrics: dict[str, MetricResult]
    breakdowns: Breakdowns = Field(default_factory=dict)
    scorers: dict[str, dict[str, str]] = Field(default_factory=dict)
    counts: TaskCounts
    tokens: TokenCounts = Field(default_factory=TokenCounts)
    errors: list[SampleError] = Field(default_factory=list)
    refusals: list[SampleRefusal] = Field(default_factory=list)  # counted apart from errors and from wrong answers
    wall_time_s: float = 0.0
    repeats: int = 1
    spread: dict[str, float] = Field(default_factory=dict)  # mean over samples of the std over repeats
    cost: CostResult | None = None
    candidates: CandidateLists | None = None  # rank tasks: the lists shown and the chance levels


class ModelInfo(_Record):
    spec: str
    backend: str
    name: str | None
    args: dict[str, Any] = Field(default_factory=dict)
    gen_kwargs: dict[str, Any] = Field(default_factory=dict)
    plugin: str = "unknown"
    distribution: str = "unknown"
    version: str = "unknown"


class GroupResult(_Record):
    """A group's (or the whole run's) aggregate: its tasks, how each metric was pooled, the values."""

    tasks: list[str]
    aggregation: dict[str, str] = Field(default_factory=dict)  # metric -> micro | macro
    metrics: dict[str, MetricResult] = Field(default_factory=dict)


class PairedDrop(_Record):
    """The paired drop of one metric from one version of the robustness requests to another
    (or, for a position probe, from the candidate order given to another): the mean over pairs
    of `source - target`, with a paired bootstrap 95% interval."""

    scope: str  # a domain, or "all"; a position probe: the task probed
    metric: str
    source: str  # explicit | implicit; a position probe: given
    target: str  # implicit | misinformed; a position probe: the other order (reversed, shuffled, positive_first, ...)
    drop: float
    low: float | None
    high: float | None
    pairs: int


class Rescored(_Record):
    at: str
    from_: str = Field(alias="from")


class RunResults(_Record):
    """The whole of `results.json`."""

    schema_version: int = SCHEMA_VERSION
    rbh_version: str
    created: str
    command: str = ""
    model: ModelInfo
    scoring: str = "rbh"
    seed: int = 0
    limit: float | None = None
    selection: dict[str, Any] = Field(default_factory=dict)  # limit, sample_ids, shuffle, seed, shard
    repeats: int = 1
    tasks: dict[str, TaskResult]
    plugins: dict[str, str] = Field(default_factory=dict)
    wall_time_s: float = 0.0
    rescored: Rescored | None = None
    log_samples: str = "full"  # how sample rows were written: full (the sample copied), slim (by id), none
    groups: dict[str, GroupResult] = Field(default_factory=dict)
    overall: GroupResult | None = None
    cost: CostResult | None = None
    robustness: list[PairedDrop] = Field(default_factory=list)  # paired drops, when the run holds paired samples
    position_bias: list[PairedDrop] = Field(default_factory=list)  # position probes: given − reversed / shuffled, per task probed

    @property
    def failed(self) -> int:
        """Samples listed as errors, over every task."""
        return sum(len(t.errors) for t in self.tasks.values())

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True, exclude_none=False) + "\n"


def prompt_hash(messages: list[dict[str, str]]) -> str:
    """A short hash of chat messages (slim rows keep it instead of the messages)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(messages, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


class SampleRow(_Record):
    """One line of `samples/<task>.jsonl`: the request, the response and how it scored."""

    id: str
    official_id: str | None = None
    prompt: list[dict[str, str]] = Field(default_factory=list)  # empty in slim rows: rendered again from the task
    prompt_sha: str | None = None  # slim rows: the hash of the messages sent, to check a rendering against
    response: str
    reasoning: str | None = None
    error: str | None = None
    finish_reason: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    latency_s: float = 0.0
    cached: bool = False
    batch_id: str | None = None
    parsed: list[dict[str, Any]] = Field(default_factory=list)
    resolved: list[str | None] = Field(default_factory=list)
    metrics: dict[str, float | None] = Field(default_factory=dict)
    scorer_errors: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)  # per-sample facts scorers add (first_failed_condition)
    repeat: int = 0
    spread: dict[str, float] = Field(default_factory=dict)  # std over this sample's repeats
    sample: dict[str, Any] | None = None  # the whole dataset row with --log-samples full
    fingerprint: str | None = None  # the dataset's fingerprint, where `sample` is left out (slim rows)
    conversation: dict[str, Any] | None = None  # interactive tasks: the whole conversation (rbh.interactive.Conversation)
