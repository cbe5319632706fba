"""The validity rules of docs/generator.md, checked on the whole of rbh-default (every split) from
what a user can read — the exported parquet, the shipped JSONL and people.tsv — with no generator
code: misinformation a reader could believe, hidden entities that matter and are first-billed,
wording that matches the answers, profile queries by theme that stay harder than condition ones."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rbh_kg.curated import data_dir
from tests.generator.test_default_dataset import _folder

SPLITS = ("train", "validation", "test")
PEOPLE = {"directed_by", "starring", "written_by", "music_by", "cinematography", "produced_by"}
NOT_NOVELS = {"Short Stories", "Poetry", "Drama", "Graphic Novel", "Picture Book", "Nonfiction", "Memoir", "Biography", "History"}
NOT_NOVELS |= {"Science", "Self-Help"}


@dataclass
class Domain:
    """One domain of the exported dataset: items, facts, billing order from the shipped JSONL."""

    years: dict[str, int]
    facts: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    holders: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    billing: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def answers(self, conditions: list[tuple[str, str]]) -> int:
        if not conditions:
            return len(self.years)
        return len(set.intersection(*(self.holders[c] for c in conditions)) & set(self.years))

    def values(self, item: str, relation: str) -> set[str]:
        return {e for r, e in self.facts[item] if r == relation}

    def span(self, relation: str, entity: str) -> tuple[int, int]:
        years = [self.years[i] for i in self.holders[(relation, entity)] if i in self.years]
        return min(years), max(years)


def _domain(folder: Path, domain: str) -> Domain:
    items = pq.read_table(folder / f"{domain}_items" / "train.parquet").to_pylist()
    d = Domain({r["id"]: r["year"] for r in items})
    for t in pq.read_table(folder / f"{domain}_kg" / "train.parquet").to_pylist():
        d.facts[t["item_id"]].add((t["relation"], t["entity"]))
        d.holders[(t["relation"], t["entity"])].add(t["item_id"])
    for path in sorted((data_dir() / domain).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for relation in PEOPLE & set(row):
                d.billing[(row["id"], relation)] = row[relation]
    return d


def _rows(folder: Path, config: str) -> list[dict]:
    return [r for split in SPLITS for r in pq.read_table(folder / config / f"{split}.parquet").to_pylist()]


def _people() -> dict[str, str]:
    lines = (data_dir() / "people.tsv").read_text(encoding="utf-8").splitlines()
    return dict(ln.split("\t") for ln in lines if ln and not ln.startswith("#") and ln != "name\tgender")


@pytest.fixture(scope="module")
def dataset(default_cache) -> tuple[Path, dict[str, Domain]]:
    folder = _folder(default_cache)
    return folder, {d: _domain(folder, d) for d in ("movie", "book")}


def _share(flags: list[bool]) -> float:
    assert flags, "nothing to check"
    return sum(flags) / len(flags)


def test_misinformation_is_plausible(dataset):
    """The stated entity holds the relation elsewhere, was active by each bridge's year (first
    credit ≤ year + 3, last ≥ year − 15), has the true person's gender, has worked in the bridge's
    language and, for books, writes in the bridges' genre family. Target ≥ 0.95; the generator
    enforces each, so every sample passes."""
    from rbh import domain_profile

    BOOK_FAMILIES = domain_profile("book").genre_families  # the book profile's families define the rule

    folder, domains = dataset
    gender = _people()
    figures = {}
    for name, d in domains.items():
        checks: dict[str, list[bool]] = defaultdict(list)
        for row in _rows(folder, f"{name}_misinformed") + _rows(folder, f"{name}_robustness_misinformed"):
            m = row["misinformation"][0]
            relation, stated, true = m["relation"], m["stated_entity"], m["true_entity"]
            bridges = [b["item_id"] for b in row["bridges"]]
            checks["same relation"].append(bool(d.holders[(relation, stated)]))
            first, last = d.span(relation, stated)
            checks["active"].append(all(first <= d.years[b] + 3 and last >= d.years[b] - 15 for b in bridges))
            if relation in PEOPLE:
                checks["gender"].append(gender.get(true) in ("female", "male") and gender.get(true) == gender.get(stated))
            languages = {e for i in d.holders[(relation, stated)] for e in d.values(i, "language")}
            checks["language"].append(all(d.values(b, "language") & languages for b in bridges))
            if name == "book":
                families = Counter(
                    f for i in d.holders[(relation, stated)] for f in {BOOK_FAMILIES.get(g) for g in d.values(i, "genre")} - {None}
                )
                top = {f for f, n in families.items() if n == max(families.values())}
                wanted = {BOOK_FAMILIES[g] for b in bridges for g in d.values(b, "genre") if g in BOOK_FAMILIES}
                checks["genre family"].append(not wanted or bool(top & wanted))
        figures[name] = {rule: round(_share(flags), 3) for rule, flags in checks.items()}
    print("\nmisinformation rules:", figures)
    assert all(share == 1.0 for rules in figures.values() for share in rules.values()), figures
    assert set(figures["book"]) == {"same relation", "active", "gender", "language", "genre family"}


def test_hidden_entities_matter_and_are_first_billed(dataset):
    """Without the hidden condition the request has ≥ 2× the answers and ≥ 3 more; a hidden person
    is among the first two credits of every bridge (billing order of the shipped JSONL)."""
    folder, domains = dataset
    for name, d in domains.items():
        for config in ("implicit", "misinformed", "robustness_implicit", "robustness_misinformed"):
            matters, billed = [], []
            for row in _rows(folder, f"{name}_{config}"):
                conditions = [(c["relation"], c["entity"]) for c in row["conditions"]]
                hidden = (row["bridges"][0]["relation"], row["bridges"][0]["entity"])
                with_it, without = d.answers(conditions), d.answers([c for c in conditions if c != hidden])
                matters.append(without >= 2 * with_it and without >= with_it + 3)
                if hidden[0] in PEOPLE:
                    billed.append(all(hidden[1] in d.billing[(b["item_id"], hidden[0])][:2] for b in row["bridges"]))
            assert _share(matters) == 1.0, (name, config, _share(matters))
            assert _share(billed) == 1.0, (name, config, _share(billed))


def test_hidden_relations_and_entities_vary(dataset):
    """Book implicit/misinformed: authors at most 85% of hidden relations; no entity hidden in more
    than 5% of any config (Stephen King was 13% of book implicit)."""
    folder, _ = dataset
    for name in ("movie", "book"):
        for config in ("implicit", "misinformed"):
            rows = _rows(folder, f"{name}_{config}")
            relations = Counter(r["bridges"][0]["relation"] for r in rows)
            entities = Counter(r["bridges"][0]["entity"] for r in rows)
            top, n = entities.most_common(1)[0]
            assert n / len(rows) <= 0.05, (name, config, top, n / len(rows))
            if name == "book":
                assert relations["written_by"] / len(rows) <= 0.85, relations


def _is_novel(genres: set[str]) -> bool:
    fiction = {"Literary Fiction", "Fantasy", "Science Fiction", "Mystery", "Thriller", "Horror", "Romance"}
    fiction |= {"Historical Fiction", "Adventure", "Dystopian", "Satire"}
    return not genres & NOT_NOVELS and ("Philosophy" not in genres or bool(genres & fiction))


# Slips a reader caught, over and above tests/generator/test_default_dataset.py's corpus.
SLIPS = (
    r"\b\d+-\d+-year-old\b",
    r"-plus-year-old\b",
    r"\bteenage person\b",
    r"\bboth \w+, \w+",
    r"(?:^|[.!?] )Now I'd like\b",
    r"\bauthor from\b",
    r"\bpoetry novels\b",
    r"\bthe one actor\b",
)
CLASHES = (
    (r"long (?:train )?commute|long flight|free evening|on the beach|raining all weekend", r"everyone in the group"),
    (r"birthday", r"What I really want right now"),
)


def test_wording_matches_the_answers(dataset):
    """'novels' only when every answer is a novel; no slip or clashing opener in any query."""
    folder, domains = dataset
    slips = [re.compile(p) for p in SLIPS]
    clashes = [(re.compile(a, re.I), re.compile(b, re.I)) for a, b in CLASHES]
    for name, d in domains.items():
        for subtype in ("explicit", "implicit", "misinformed", "interest", "demographics"):
            for row in _rows(folder, f"{name}_{subtype}"):
                query = row["query"]
                assert not any(s.search(query) for s in slips), query
                assert not any(a.search(query) and b.search(query) for a, b in clashes), query
                if re.search(r"\bnovels?\b", re.sub(r"graphic novels?", "", query, flags=re.I)):
                    assert all(_is_novel(d.values(i, "genre")) for i in row["ground_truth"]), query


def test_profile_queries_name_a_theme_not_a_person(dataset):
    """Interest and demographics: the theme is genres, a decade, a language or a country; the
    query names no person or series of its seeds or answers (a seed title may hold one)."""
    folder, domains = dataset
    for name, d in domains.items():
        titles = {r["id"]: r["title"] for r in pq.read_table(folder / f"{name}_items" / "train.parquet").to_pylist()}
        for subtype in ("interest", "demographics"):
            rows = _rows(folder, f"{name}_{subtype}")
            assert rows
            for row in rows:
                theme = row["group"]["theme"]
                assert theme and {t["relation"] for t in theme} <= {"genre", "decade", "language", "country"}, row["id"]
                seeds = [s for s in (row["group"]["pattern"] or "").split(" > ") if s]
                text = row["query"]
                for seed in seeds:
                    text = text.replace(titles[seed], "")
                named = {e for i in (*seeds, *row["ground_truth"]) for r, e in d.facts[i] if r in PEOPLE | {"series"}}
                assert not [n for n in named if re.search(rf"\b{re.escape(n)}\b", text)], row["query"]
            if subtype == "demographics":
                assert sorted(len(r["query"].split()) for r in rows)[len(rows) // 2] <= 25, "short, like the paper's (median 16)"


def test_profile_queries_are_harder_than_condition_queries(dataset):
    """BM25 recall@10 on the test split: interest below explicit, demographics lowest, in both
    domains — the order the paper reports for every model (interest queries used to name a person
    and were easier than explicit ones)."""
    from rbh.data import load_dataset
    from rbh.data.bm25 import BM25Index

    folder, _ = dataset
    bench = load_dataset(str(folder))
    recall = {}
    for name in ("movie", "book"):
        index = BM25Index(bench.catalog(name), bench.kg(name))
        for subtype in ("explicit", "interest", "demographics"):
            scores = []
            for s in bench.samples(f"{name}_{subtype}"):
                found = set(index.search(s.query, 10))
                scores.append(len(found & set(s.ground_truth)) / len(s.ground_truth))
            recall[(name, subtype)] = sum(scores) / len(scores)
    print("\nBM25 recall@10:", {k: round(v, 3) for k, v in recall.items()})
    for name in ("movie", "book"):
        assert recall[(name, "demographics")] < recall[(name, "interest")] < recall[(name, "explicit")], recall


@pytest.mark.shared_data
def test_hidden_actors_are_identifiable_in_the_world(dataset, shared_data):
    """Where both bridges of a hidden actor are ML-1M films, TML1M's top-five cast of the two share
    nobody else (the KG lists leading cast only; the world's casts are longer)."""
    from rbh_kg.tml1m import load_tml1m
    from tests.kg.test_accuracy import join, name_key

    folder, _ = dataset
    from rbh_kg.curated import load_curated

    theirs = load_tml1m(shared_data / "tml1m" / "movies.csv")
    matched = dict(join(load_curated("movie"), theirs))
    checked, shared = 0, []
    for config in ("implicit", "misinformed"):
        for row in _rows(folder, f"movie_{config}"):
            bridges = [b["item_id"] for b in row["bridges"]]
            if row["bridges"][0]["relation"] != "starring" or not all(b in matched for b in bridges):
                continue
            checked += 1
            casts = [{name_key(a) for a in theirs.kg.credits(matched[b], "starring")} for b in bridges]
            others = set.intersection(*casts) - {name_key(row["bridges"][0]["entity"])}
            if others:
                shared.append((bridges, row["bridges"][0]["entity"], others))
    print(f"\nhidden actors cross-checked in TML1M: {checked}, bridges sharing another actor: {len(shared)}", shared[:5])
    assert checked >= 500 and not shared
