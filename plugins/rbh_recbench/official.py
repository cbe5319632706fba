"""The released RecBench+ evaluator, reproduced exactly (docs/design.md §8.4) for `--scoring official`.

Quirks kept on purpose: titles are the raw response split on "[SEP]"; a trailing " (YYYY)" is
removed from predictions but not from the ground truth; each prediction is replaced by the FIRST
ground-truth title with a difflib ratio >= threshold; precision divides by the raw list length;
nDCG's ideal DCG runs over all |G| ground-truth titles; condition subtypes take the max of the
title-based and the KG-id-based score; CMR is -1 (excluded) when no prediction is in the KG.
The released code looks titles up in a Neo4j KG; here `name2id` uses the catalog the same way
(exact title, then the first title containing the name, case-sensitive).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, ClassVar

from rbh import MetricValue, Scorer, ScoringInput, ScoringSet
from rbh.data import CONDITION_SUBTYPES
from rbh_recbench.conditions import cmr_with_coverage

if TYPE_CHECKING:
    from rbh import Catalog

SEP = "[SEP]"
PAD = "none"
THRESHOLDS = {"movie": 0.8, "book": 0.65}
_YEAR_RE = re.compile(r"\s\(\d{4}\)$")


@dataclass(frozen=True)
class OfficialScores:
    """The official evaluator's per-sample output (cmr = satisfied_ratio, None when it is -1)."""

    ftr: float
    recall: float
    precision: float
    ndcg: float
    cmr: float | None = None


def predicted_titles(response: str, k: int | None) -> list[str]:
    """Split on [SEP]; strip whitespace, then ', then "; drop a trailing ' (YYYY)'; cut/pad to k."""
    titles = [t.strip().strip("'").strip('"') for t in response.split(SEP)]
    titles = [_YEAR_RE.sub("", t.strip()).strip() for t in titles]
    if k:
        titles = titles[:k] + [PAD] * max(0, k - len(titles))
    return titles


def match_titles(predicted: Sequence[str], truth: Sequence[str], threshold: float) -> list[str]:
    """Replace each prediction by the first ground-truth title similar enough, else keep it."""
    out = []
    for pred in predicted:
        out.append(next((gt for gt in truth if SequenceMatcher(None, pred, gt).ratio() >= threshold), pred))
    return out


def recall(recommended: Sequence[object], truth: Sequence[object]) -> float:
    hits = sum(1 for item in truth if item in recommended)
    return hits / len(truth) if truth else 0.0


def precision(recommended: Sequence[object], truth: Sequence[object]) -> float:
    hits = sum(1 for item in truth if item in recommended)
    return hits / len(recommended) if recommended else 0.0


def ndcg(prediction: Sequence[object], truth: Sequence[object]) -> float:
    dcg = _dcg([1 if item in truth else 0 for item in prediction])
    idcg = _dcg([1] * len(truth))
    return dcg / idcg if idcg else 0.0


def _dcg(relevance: Sequence[int]) -> float:
    return float(sum(rel / math.log2(i + 2) for i, rel in enumerate(relevance)))


def name2id(name: str, catalog: "Catalog", memo: dict[str, str | None] | None = None) -> str | None:
    """Title -> item id as the released code does: exact title (year removed), then the first
    catalog title containing the name (case-sensitive; an empty name matches the first item)."""
    if memo is not None and name in memo:
        return memo[name]
    wanted = _YEAR_RE.sub("", name).strip().replace('"', "'")
    found = next((i.id for i in catalog.items.values() if i.title == wanted or wanted in i.aliases), None)
    if found is None:
        found = next((i.id for i in catalog.items.values() if wanted in i.title), None)
    if memo is not None:
        memo[name] = found
    return found


def truth_titles(x: ScoringInput) -> list[str]:
    """Ground-truth titles as the official files write them (imported), else 'Title (Year)'."""
    if x.sample.ground_truth_titles:
        return list(x.sample.ground_truth_titles)
    return [x.catalog.display_of(i) for i in x.sample.ground_truth]


def official_scores(x: ScoringInput, threshold: float | None = None) -> OfficialScores:
    """Every official metric of one sample, computed once per sample (kept in `x.memo`, which
    the scorers of one sample share)."""
    key = f"official:{threshold}"
    if key not in x.memo:
        x.memo[key] = _compute(x, THRESHOLDS.get(x.sample.domain, 0.8) if threshold is None else threshold)
    result: OfficialScores = x.memo[key]
    return result


def _compute(x: ScoringInput, threshold: float) -> OfficialScores:
    response = x.response or ""
    predicted = predicted_titles(response, x.k)
    truth = truth_titles(x)
    matched = match_titles(predicted, truth, threshold)
    r, p, n = recall(matched, truth), precision(matched, truth), ndcg(matched, truth)
    cmr: float | None = None
    if x.sample.subtype in CONDITION_SUBTYPES:
        ids = [name2id(t, x.catalog, x.catalog.scratch("official-name2id")) for t in predicted]
        truth_ids = list(x.sample.ground_truth)
        r, p, n = max(r, recall(ids, truth_ids)), max(p, precision(ids, truth_ids)), max(n, ndcg(ids, truth_ids))
        cmr = satisfied_ratio(x, ids, truth_ids)
    return OfficialScores(float(SEP not in response), r, p, n, cmr)


def satisfied_ratio(x: ScoringInput, ids: Sequence[str | None], truth_ids: Sequence[str]) -> float | None:
    """Among predictions found in the KG/catalog, the share satisfying every condition (ground-truth
    hits count as satisfying); None where the released code gives -1 (nothing found)."""
    found = [i for i in ids if i is not None]
    if not found:
        return None
    satisfied = sum(1 for i in ids if i not in truth_ids and i and x.kg.satisfies(i, x.sample.conditions))
    satisfied += sum(1 for g in truth_ids if g in ids)
    return satisfied / len(found)


class OfficialScorer(Scorer):
    """One metric of the released evaluator; every official metric of a sample is computed once."""

    uses_resolution = False  # the released evaluator splits the raw response itself

    field: ClassVar[str] = ""  # the OfficialScores field this metric reports

    def value(self, scores: OfficialScores) -> float | None:
        value: float | None = getattr(scores, self.field)
        return value

    def score(self, x: ScoringInput) -> float | None:
        return self.value(official_scores(x))


class OfficialRecall(OfficialScorer):
    name = "official_recall"
    description = "recall as the released RecBench+ evaluator computes it (difflib title match; max with KG ids)"
    field = "recall"


class OfficialPrecision(OfficialScorer):
    name = "official_precision"
    description = "precision as the released evaluator computes it (divides by the raw list length)"
    field = "precision"


class OfficialNDCG(OfficialScorer):
    name = "official_ndcg"
    description = "nDCG as the released evaluator computes it (IDCG over all |G|)"
    field = "ndcg"


class OfficialHit(OfficialScorer):
    name = "official_hit"
    description = "1 when the released evaluator's recall is above 0"

    def value(self, scores: OfficialScores) -> float | None:
        return float(scores.recall > 0)


class OfficialFTR(OfficialScorer):
    name = "official_ftr"
    higher_is_better = False
    description = "failed to recommend as the released evaluator counts it: no '[SEP]' in the response"
    field = "ftr"


class OfficialCMR(OfficialScorer):
    name = "official_cmr"
    description = "the released evaluator's satisfied_ratio (None where it gives -1) (+ cmr_coverage)"
    subtypes = CONDITION_SUBTYPES
    field = "cmr"

    def aggregate(self, values: Sequence[float | None], seed: int = 0) -> dict[str, MetricValue]:
        return cmr_with_coverage(self.metric, values, seed)


OFFICIAL_SCORERS: tuple[type[OfficialScorer], ...] = (
    OfficialRecall,
    OfficialPrecision,
    OfficialNDCG,
    OfficialHit,
    OfficialFTR,
    OfficialCMR,
)
OFFICIAL_SET = ScoringSet(
    "official",
    "the released RecBench+ evaluator, quirks included (docs/design.md §8.4)",
    {cls.name.removeprefix("official_"): cls.name for cls in OFFICIAL_SCORERS},
)
