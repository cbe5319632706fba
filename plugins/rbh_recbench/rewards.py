"""rbh metrics as rewards for reinforcement fine-tuning (GRPO), importable as `rbh_recbench.rewards`.

A reward is a callable with the signature TRL's `GRPOTrainer` takes in `reward_funcs`::

    reward(prompts, completions, **columns) -> list[float]

where `columns` are the dataset columns of `rbh export sft` (`domain`, `ground_truth`, `history`,
`conditions`, `k`, `output_format`, ...). Each completion is parsed with evaluation's parser,
its titles resolved with evaluation's resolver (against the dataset's catalog) and scored with
evaluation's scorer classes — so a reward equals the metric `rbh run` reports on that response.

    from rbh_recbench.rewards import combined, reward
    recall = reward("recall", dataset="rbh-default")
    mix = combined({"recall": 1.0, "format": 0.2, "unresolved": 0.5}, dataset="rbh-default")

Names: `recall`, `ndcg`, `cmr`, `hit`, `precision` (the metrics; undefined → 0), `format` (1 when
the response is a `[SEP]` list — or the task's JSON list — of 1..k titles, nothing else), and the
penalties `unresolved` and `history_repeat` (minus the share of titles that resolve to no item /
that the user already consumed). `combined` sums weighted rewards, parsing each completion once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rbh import ResolutionOptions, Sample, ScoringInput
from rbh.data import Condition
from rbh.scoring import ParsedTitle, cut_preamble, is_prose, parse_response, resolve_all, split_entries, strip_reasoning

if TYPE_CHECKING:
    from rbh import KG, BenchmarkDataset, Catalog, Scorer

SEP = "[SEP]"
METRICS = ("recall", "ndcg", "cmr", "hit", "precision")
PENALTIES = ("unresolved", "history_repeat")
NAMES = (*METRICS, "format", *PENALTIES)


def _scorer(name: str) -> "Scorer":
    from rbh_recbench.conditions import CMR
    from rbh_recbench.quality import HistoryRepeat, Unresolved
    from rbh_recbench.relevance import NDCG, Hit, Precision, Recall

    classes: dict[str, type[Scorer]] = {
        "recall": Recall,
        "ndcg": NDCG,
        "cmr": CMR,
        "hit": Hit,
        "precision": Precision,
        "unresolved": Unresolved,
        "history_repeat": HistoryRepeat,
    }
    return classes[name]()


def open_dataset(dataset: "str | BenchmarkDataset") -> "BenchmarkDataset":
    """A dataset by registered name (`rbh-default`), `hf:` name or folder, as `rbh run` opens it."""
    if not isinstance(dataset, str):
        return dataset
    from rbh import get_registry
    from rbh.data import load_dataset

    entry = get_registry().dataset(dataset)
    return load_dataset(entry.obj.resolve() if entry is not None else dataset)


def completion_text(completion: Any) -> str:
    """The text of one completion: a string, or a conversational completion (list of messages)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return str(completion.get("content") or "")
    if isinstance(completion, Sequence):
        return "".join(
            str(m.get("content") or "") for m in completion if isinstance(m, Mapping) and m.get("role", "assistant") == "assistant"
        )
    return str(completion or "")


def is_well_formed(text: str, fmt: str = "sep", k: int | None = None) -> bool:
    """Does the response consist of 1..k titles in the asked format (`[SEP]`-separated, or a
    JSON list for `json` tasks) and nothing else — no preamble, notes or numbered lines?"""
    body = strip_reasoning(text).strip()
    if fmt == "json":
        entries = split_entries(body, fmt) if body.startswith("[") and body.endswith("]") else []
    else:
        entries = [e.strip() for e in body.split(SEP)] if body and "\n" not in body else []
        if any(cut_preamble(e) != e for e in entries):
            return False
    if not entries or (k is not None and len(entries) > k):
        return False
    return all(e.strip() and not is_prose(e) for e in entries)


@dataclass
class _Batch:
    """One reward call's completions, parsed and resolved once."""

    samples: list[Sample]
    texts: list[str]
    formats: list[str]
    ks: list[int | None]
    parsed: list[list[ParsedTitle]]
    resolved: list[list[str | None]]


class Reward:
    """A weighted sum of named rbh rewards over one dataset's catalogs and KGs; callable as a
    TRL reward function (`__name__` names it in the trainer's logs)."""

    def __init__(
        self,
        weights: Mapping[str, float],
        dataset: "str | BenchmarkDataset" = "rbh-default",
        resolution: ResolutionOptions | None = None,
        name: str | None = None,
    ):
        unknown = sorted(set(weights) - set(NAMES))
        if unknown or not weights:
            raise ValueError(f"unknown reward(s) {', '.join(unknown) or '(none)'}; known: {', '.join(NAMES)}")
        self.weights = dict(weights)
        self.dataset = open_dataset(dataset)
        self.resolution = resolution or ResolutionOptions()
        self.scorers = {n: _scorer(n) for n in self.weights if n != "format"}
        self.__name__ = name or "_".join(self.weights)

    def catalog(self, domain: str) -> "Catalog":
        return self.dataset.catalog(domain)

    def kg(self, domain: str) -> "KG":
        return self.dataset.kg(domain)

    def __call__(self, prompts: Sequence[Any] | None = None, completions: Sequence[Any] = (), **columns: Any) -> list[float]:
        batch = self._batch(completions, columns)
        return [sum(w * v for w, v in zip(self.weights.values(), row)) for row in self._values(batch)]

    def components(self, completions: Sequence[Any], **columns: Any) -> list[dict[str, float]]:
        """Per completion, each named reward before weighting (for logging and tests)."""
        batch = self._batch(completions, columns)
        return [dict(zip(self.weights, row)) for row in self._values(batch)]

    def _batch(self, completions: Sequence[Any], columns: Mapping[str, Any]) -> _Batch:
        n = len(completions)
        samples = [sample_from_columns(columns, i) for i in range(n)]
        texts = [completion_text(c) for c in completions]
        formats = [str(_column(columns, "output_format", i) or "sep") for i in range(n)]
        ks = [_optional_int(_column(columns, "k", i)) for i in range(n)]
        parsed = [parse_response(t, f, k) for t, f, k in zip(texts, formats, ks)]
        resolved: list[list[str | None]] = [[] for _ in range(n)]
        for domain in dict.fromkeys(s.domain for s in samples):
            rows = [i for i, s in enumerate(samples) if s.domain == domain]
            for i, ids in zip(rows, resolve_all(self.catalog(domain), [parsed[i] for i in rows], self.resolution)):
                resolved[i] = ids
        return _Batch(samples, texts, formats, ks, parsed, resolved)

    def _values(self, batch: _Batch) -> list[list[float]]:
        out = []
        for i, sample in enumerate(batch.samples):
            x = ScoringInput(
                sample=sample,
                response=batch.texts[i],
                recommended=tuple(batch.parsed[i]),
                resolved=tuple(batch.resolved[i]),
                catalog=self.catalog(sample.domain),
                kg=self.kg(sample.domain),
                k=batch.ks[i],
            )
            row = []
            for name in self.weights:
                if name == "format":
                    row.append(1.0 if is_well_formed(batch.texts[i], batch.formats[i], batch.ks[i]) else 0.0)
                    continue
                scorer = self.scorers[name]
                value = scorer.score(x) if scorer.applies_to(sample.subtype) else None
                row.append(0.0 if value is None else (0.0 - value if name in PENALTIES else value))
            out.append(row)
        return out


def reward(name: str, dataset: "str | BenchmarkDataset" = "rbh-default", resolution: ResolutionOptions | None = None) -> Reward:
    """One named reward (`recall`, `ndcg`, `cmr`, `hit`, `precision`, `format`, `unresolved`,
    `history_repeat`) as a TRL reward function."""
    return Reward({name: 1.0}, dataset, resolution, name=f"rbh_{name}")


def combined(
    weights: Mapping[str, float], dataset: "str | BenchmarkDataset" = "rbh-default", resolution: ResolutionOptions | None = None
) -> Reward:
    """A weighted sum of named rewards, e.g. `{"recall": 1.0, "format": 0.2, "unresolved": 0.5}`."""
    return Reward(weights, dataset, resolution, name="rbh_" + "+".join(f"{w:g}*{n}" for n, w in weights.items()))


def sample_from_columns(columns: Mapping[str, Any], i: int) -> Sample:
    """The sample behind row `i` of a reward call's dataset columns (what scoring looks at)."""
    conditions = _column(columns, "conditions", i) or ()
    return Sample(
        id=str(_column(columns, "id", i) or i),
        domain=str(_column(columns, "domain", i)),
        subtype=str(_column(columns, "subtype", i) or "explicit"),
        query=str(_column(columns, "query", i) or ""),
        ground_truth=tuple(str(g) for g in _column(columns, "ground_truth", i) or ()),
        conditions=tuple(Condition(str(c["relation"]), str(c["entity"])) for c in conditions),
        history=tuple(str(h) for h in _column(columns, "history", i) or ()),
    )


def _column(columns: Mapping[str, Any], name: str, i: int) -> Any:
    values = columns.get(name)
    return None if values is None else values[i]


def _optional_int(value: Any) -> int | None:
    return None if value is None or value != value else int(value)  # NaN from pandas → None
