"""The curated movie KG against real data: TML1M (MovieLens-1M attributes). Skips without
../shared/data. Disagreements listed in data/movie_exceptions.tsv (reviewed alternate credits
and transliterations) are excused; every exception must still describe a live disagreement."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rbh.data.normalize import strip_accents, title_key
from rbh_kg.curated import CatalogKG, data_dir, load_curated
from rbh_kg.tml1m import load_tml1m

COMPARED = ("directed_by", "starring", "release_year")


def name_key(name: str) -> str:
    """People compared without accents, case, spaces or punctuation ('W. S. Van Dyke' = 'W.S. Van Dyke')."""
    return re.sub(r"[\W_]+", "", strip_accents(name).casefold())


def read_exceptions(path: Path) -> dict[tuple[str, str], tuple[list[str], list[str], str]]:
    """(id, relation) → (ours, theirs, why) from the TSV (header line and '#' comments skipped)."""
    out = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cols = line.split("\t")
        assert len(cols) == 5 and all(c.strip() for c in cols), f"{path}:{lineno}: expected 5 non-empty columns"
        item_id, relation, ours, theirs, why = cols
        assert relation in COMPARED, f"{path}:{lineno}: relation {relation!r} is not compared"
        out[(item_id, relation)] = ([s.strip() for s in ours.split(";")], [s.strip() for s in theirs.split(";")], why)
    return out


def join(ours: CatalogKG, theirs: CatalogKG) -> list[tuple[str, str]]:
    """(our id, ML-1M id) pairs matched on normalized title or alias + year (then year ± 1)."""
    index: dict[tuple[str, int | None], str] = {}
    for item in sorted(theirs.catalog.items.values(), key=lambda i: int(i.id)):
        for name in (item.title, *item.aliases):
            index.setdefault((title_key(name), item.year), item.id)
    pairs = []
    for item in ours.catalog.items.values():
        names = [title_key(n) for n in (item.title, *item.aliases)]
        years = [item.year] + ([item.year - 1, item.year + 1] if item.year else [])
        match = next((index[(n, y)] for y in years for n in names if (n, y) in index), None)
        if match is not None:
            pairs.append((item.id, match))
    return pairs


@dataclass
class Agreement:
    overlap: int = 0
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPARED, 0))
    excused: list[tuple[str, str]] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    def rate(self, relation: str) -> float:
        return self.agree[relation] / self.overlap


def compare(ours: CatalogKG, theirs: CatalogKG, exceptions: dict) -> Agreement:
    result = Agreement()
    for our_id, ml_id in join(ours, theirs):
        result.overlap += 1
        for relation in COMPARED:
            mine = {name_key(e) for e in ours.kg.entities(our_id, relation)}
            other = {name_key(e) for e in theirs.kg.entities(ml_id, relation)}
            if not other or mine & other:  # TML1M has no value, or at least one shared entity
                result.agree[relation] += 1
            elif (our_id, relation) in exceptions:
                result.agree[relation] += 1
                result.excused.append((our_id, relation))
            else:
                result.disagreements.append(
                    f"{our_id} {relation}: ours {sorted(ours.kg.entities(our_id, relation))} "
                    f"TML1M {ml_id} {sorted(theirs.kg.entities(ml_id, relation))}"
                )
    return result


@pytest.mark.shared_data
def test_curated_movies_agree_with_tml1m(shared_data: Path) -> None:
    ours, theirs = load_curated("movie"), load_tml1m(shared_data / "tml1m" / "movies.csv")
    exceptions = read_exceptions(data_dir() / "movie_exceptions.tsv")
    result = compare(ours, theirs, exceptions)
    print(
        f"\noverlap {result.overlap} films; director {result.rate('directed_by'):.2%}, "
        f">=1 shared cast member {result.rate('starring'):.2%}, year {result.rate('release_year'):.2%} "
        f"({len(result.excused)} excused by movie_exceptions.tsv)"
    )
    print("\n".join(result.disagreements))
    assert result.overlap >= 300
    assert result.rate("directed_by") >= 0.97
    assert result.rate("starring") >= 0.95
    assert result.rate("release_year") >= 0.99
    stale = sorted(set(exceptions) - set(result.excused))
    assert not stale, f"movie_exceptions.tsv lists agreements or unmatched films: {stale}"


@pytest.mark.shared_data
def test_exceptions_name_real_credits(shared_data: Path) -> None:
    """Each exception quotes our entities and TML1M's exactly as the two sources have them."""
    ours, theirs = load_curated("movie"), load_tml1m(shared_data / "tml1m" / "movies.csv")
    matched = dict(join(ours, theirs))
    for (item_id, relation), (mine, other, why) in read_exceptions(data_dir() / "movie_exceptions.tsv").items():
        assert item_id in matched, f"{item_id}: not a film of both sources"
        assert set(mine) <= set(ours.kg.entities(item_id, relation)), (item_id, mine)
        assert set(other) <= set(theirs.kg.entities(matched[item_id], relation)), (item_id, other)
        assert len(why) >= 10, (item_id, why)
