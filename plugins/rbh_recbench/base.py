"""Shared pieces of the RecBench+ scorers: the resolution option and ground-truth hits."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from rbh import ResolutionOptions, Scorer, ScoringInput
from rbh.data import title_key


class ResolvingScorer(Scorer):
    """A scorer that looks at resolved ids; `resolution:` in its options tunes title resolution."""

    class Options(Scorer.Options):
        model_config = ConfigDict(extra="forbid")
        resolution: ResolutionOptions = ResolutionOptions()


class CutoffScorer(ResolvingScorer):
    """A ranking metric that can be cut at a depth: `ndcg@10` is ndcg with `at: 10` (the first
    10 recommendations; the ideal ranking's depth min(|G|, 10))."""

    class Options(ResolvingScorer.Options):
        at: int | None = Field(default=None, ge=1)

    options: Options

    def hits(self, x: ScoringInput) -> tuple[bool, ...]:
        """`ranked_hits`, cut at `at`."""
        hits = ranked_hits(x)
        return hits[: self.options.at] if self.options.at else hits

    def depth(self, x: ScoringInput) -> int:
        """The ideal ranking's depth: min(|G|, at) when cut, else `ideal_depth`."""
        at = self.options.at
        return min(len(set(x.sample.ground_truth)), at) if at else ideal_depth(x)


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
    ids = candidate_items(x) if x.sample.candidates else x.resolved
    for parsed, item_id in zip(x.recommended, ids):
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


def candidate_positions(x: ScoringInput) -> tuple[int | None, ...]:
    """Per recommended title, its position in the candidate list shown (None: not a candidate).
    A title is matched by its resolved id, else, when it resolved to nothing or was given
    without a year, by its title key among the candidates (so "Heat" finds the listed "Heat
    (1995)"). Memoized per sample and resolution."""
    key = memo_key("candidate_positions", x)
    cached: tuple[int | None, ...] | None = x.memo.get(key)
    if cached is None:
        where = {item: i for i, item in enumerate(x.sample.candidates)}
        by_key: dict[str, int] | None = None  # the candidates' title keys, made only when a title needs them
        positions: list[int | None] = []
        for parsed, item in zip(x.recommended, x.resolved):
            if item is not None and item in where:
                positions.append(where[item])
            elif item is None or parsed.year is None:
                if by_key is None:
                    by_key = {}
                    for i, candidate in enumerate(x.sample.candidates):
                        by_key.setdefault(title_key(x.catalog.title_of(candidate)), i)
                positions.append(by_key.get(title_key(parsed.title)))
            else:
                positions.append(None)
        cached = x.memo[key] = tuple(positions)
    return cached


def candidate_items(x: ScoringInput) -> tuple[str | None, ...]:
    """Per recommended title, the candidate it names (its resolved id when it names none);
    memoized per sample and resolution."""
    key = memo_key("candidate_items", x)
    cached: tuple[str | None, ...] | None = x.memo.get(key)
    if cached is None:
        shown = x.sample.candidates
        cached = x.memo[key] = tuple(shown[p] if p is not None else item for p, item in zip(candidate_positions(x), x.resolved))
    return cached
