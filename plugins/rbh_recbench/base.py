"""Shared pieces of the RecBench+ scorers: the resolution option and ground-truth hits."""

from __future__ import annotations

from pydantic import ConfigDict

from rbh import ResolutionOptions, Scorer, ScoringInput
from rbh.data import title_key


class ResolvingScorer(Scorer):
    """A scorer that looks at resolved ids; `resolution:` in its options tunes title resolution."""

    class Options(Scorer.Options):
        model_config = ConfigDict(extra="forbid")
        resolution: ResolutionOptions = ResolutionOptions()


def ranked_hits(x: ScoringInput) -> tuple[bool, ...]:
    """Per recommended position: does it hold a ground-truth item not already counted?

    Ground-truth entries that are not catalog ids (imported titles that did not resolve) are
    matched by normalized title key instead. Memoized per sample and resolution.
    """
    key = memo_key("ranked_hits", x)
    cached: tuple[bool, ...] | None = x.memo.get(key)
    if cached is None:
        cached = x.memo[key] = _ranked_hits(x)
    return cached


def memo_key(name: str, x: ScoringInput) -> str:
    """The key of a per-sample memo that depends on the resolved ids (one per resolution)."""
    return f"{name}:{id(x.resolved)}"


def _ranked_hits(x: ScoringInput) -> tuple[bool, ...]:
    truth = set(x.sample.ground_truth)
    by_key = {title_key(g): g for g in truth if g not in x.catalog}
    seen: set[str] = set()
    out = []
    for parsed, item_id in zip(x.recommended, x.resolved):
        target = item_id if item_id in truth else None
        if target is None and item_id is None and by_key:
            target = by_key.get(title_key(parsed.title))
        hit = target is not None and target not in seen
        if target is not None:
            seen.add(target)
        out.append(hit)
    return tuple(out)


def ideal_depth(x: ScoringInput) -> int:
    """How many ground-truth items a perfect answer could rank: min(|G|, k or |R|) (the
    denominator of MAP and the depth of nDCG's ideal DCG)."""
    return min(len(set(x.sample.ground_truth)), x.k if x.k else len(x.recommended))
