"""`rbh import recbench-plus DIR --out OUT`: the official RecBench+ JSON files → an rbh dataset folder.

DIR holds `movie/` and/or `book/` as in the official release. Each query file becomes the config
`{domain}_{subtype}` (split `test`); the catalog (`{domain}_items`) comes from `movies.dat` for
movies and from the titles the files mention for books; `{domain}_kg` holds the facts the files
and movies.dat state (genre, release year, the ground truth's conditions, bridge facts). Official
ids are kept in `official_id` (condition queries: `data_idx`; profile queries:
"<record index>-<query index>", empty query entries skipped as the released evaluator does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rbh import DataError
from rbh.data import Bridge, Catalog, Condition, Item, Misinformation, Sample, Triple, split_year, write_dataset

SOURCE = "recbench-plus-official"
QUERY_FILES: dict[str, tuple[str, ...]] = {
    "explicit": ("ExplicitQuery.json",),
    "implicit": ("ImplicitQuery.json",),
    "misinformed": ("MisinformedQuery.json",),
    "interest": ("InterestBasedQuery.json",),
    "demographics": ("DemographicsBasedQuery.json", "UserBasedQuery.json"),
}
RELATION_NAMES = {"production_country": "country", "country_of_origin": "country", "original_language": "language"}
GROUP_ATTRIBUTES = {"age": "age", "gender": "gender", "occupation": "occupation"}


@dataclass
class ImportReport:
    """What an import produced: samples per config, and ground-truth titles left unresolved."""

    out: Path
    samples: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    unresolved: dict[str, list[str]] = field(default_factory=dict)


def relation_name(official: str) -> str:
    """'Directed_by' -> 'directed_by'; 'Production_Country' -> 'country'."""
    name = official.strip().lower().replace(" ", "_")
    return RELATION_NAMES.get(name, name)


def find_query_files(domain_dir: Path) -> dict[str, Path]:
    """The official query files present in one domain folder, by subtype."""
    found = {}
    for subtype, names in QUERY_FILES.items():
        for name in names:
            if (domain_dir / name).is_file():
                found[subtype] = domain_dir / name
                break
    return found


def load_records(path: Path) -> list[dict[str, Any]]:
    """A query file: a JSON list of objects (one clear error otherwise)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(f"{path}: expected a JSON list of query records")
    return data


class DomainImport:
    """Converts the query files of one domain, sharing its catalog and collecting KG facts."""

    def __init__(self, domain: str, catalog: Catalog, triples: Iterable[Triple] = ()):
        self.domain = domain
        self.catalog = catalog
        self.triples: set[Triple] = set(triples)
        self.unresolved: list[str] = []
        self.counter = 0

    # -- helpers -------------------------------------------------------------------------
    def resolve(self, title: str, count: bool = True) -> str:
        """A title → its catalog id, or the title itself (counted) when nothing matches."""
        name, year = split_year(str(title))
        item_id = self.catalog.resolve(name, year).item_id
        if item_id is None:
            if count:
                self.unresolved.append(str(title))
            return str(title)
        return item_id

    def _next_id(self, subtype: str) -> str:
        self.counter += 1
        return f"{self.domain}-{subtype}-{self.counter:06d}"

    def _subset(self, record: Mapping[str, Any], spaced: bool) -> list[str]:
        key = f"{self.domain} subset" if spaced else f"{self.domain}Subset"
        value = record.get(key) or []
        if not isinstance(value, list):
            raise ValueError(f"{key!r} must be a list")
        return [str(v) for v in value]

    # -- condition queries ---------------------------------------------------------------
    def condition_sample(self, subtype: str, record: Mapping[str, Any]) -> Sample:
        titles = self._subset(record, spaced=False)
        ids = record.get(f"{self.domain}SubsetId")
        if ids and ids != ["none"]:
            truth = [str(i) for i in ids]
        else:
            truth = [self.resolve(t) for t in titles]
        conditions = tuple(Condition(relation_name(r), str(e)) for r, e in record.get("sharedRelationships") or [])
        for item_id in truth:
            if item_id in self.catalog:
                self.triples.update(Triple(item_id, c.relation, c.entity) for c in conditions)
        bridges = tuple(self._bridge(b) for b in record.get("multihop_info") or [])
        misinformation = tuple(self._misinformation(m) for m in record.get("misinformed") or [])
        query = record.get("query") or record.get("situational_description_query") or record.get("direct_description_query")
        if not query:
            raise ValueError("no query text (query / situational_description_query)")
        return Sample(
            id=self._next_id(subtype),
            domain=self.domain,
            subtype=subtype,
            query=str(query),
            ground_truth=tuple(truth),
            query_direct=record.get("direct_description_query"),
            conditions=conditions,
            bridges=bridges,
            misinformation=misinformation,
            user_id=None if record.get("source_user") is None else str(record["source_user"]),
            source=SOURCE,
            official_id=str(record["data_idx"]),
            ground_truth_titles=tuple(titles),
        )

    def _bridge(self, fact: Mapping[str, Any]) -> Bridge:
        item_id = self.resolve(str(fact.get(self.domain) or fact.get("title") or ""), count=False)
        bridge = Bridge(item_id, relation_name(str(fact["relation"])), str(fact["person"]))
        if item_id in self.catalog:
            self.triples.add(Triple(item_id, bridge.relation, bridge.entity))
        return bridge

    def _misinformation(self, fact: Mapping[str, Any]) -> Misinformation:
        item_id = self.resolve(str(fact.get(self.domain) or fact.get("title") or ""), count=False)
        relation = relation_name(str(fact["relation"]))
        true_entity = str(fact.get("original person") or fact.get("original") or "")
        if item_id in self.catalog and true_entity:
            self.triples.add(Triple(item_id, relation, true_entity))
        return Misinformation(item_id, relation, true_entity, str(fact["person"]))

    # -- profile queries -----------------------------------------------------------------
    def profile_samples(self, subtype: str, index: int, record: Mapping[str, Any]) -> list[Sample]:
        entries = [e for e in record.get("query & ground true") or [] if e != {}]
        group = self._group(subtype, record)
        shared = [self.resolve(t, count=False) for t in record.get(f"Shared consecutive {self.domain}s") or []]
        out = []
        for j, entry in enumerate(entries):
            titles = self._subset(entry, spaced=True)
            truth = [self.resolve(t) for t in titles]
            out.append(
                Sample(
                    id=self._next_id(subtype),
                    domain=self.domain,
                    subtype=subtype,
                    query=str(entry["query"]),
                    ground_truth=tuple(truth),
                    history=tuple(i for i in shared if i not in truth),
                    group=group,
                    source=SOURCE,
                    official_id=f"{index}-{j}",
                    ground_truth_titles=tuple(titles),
                )
            )
        return out

    def _group(self, subtype: str, record: Mapping[str, Any]) -> dict[str, Any] | None:
        if subtype == "demographics":
            kinds = str(record.get("group_type") or "").split("_")
            values = record.get("group")
            values = values if isinstance(values, list) else [values]
            if len(kinds) != len(values):
                raise ValueError(f"group_type {record.get('group_type')!r} does not fit group {values!r}")
            return {GROUP_ATTRIBUTES.get(k, k): str(v) for k, v in zip(kinds, values)}
        users = record.get("source_users") or []
        shared = record.get(f"Shared consecutive {self.domain}s") or []
        return {"users": [str(u) for u in users], "pattern": " > ".join(str(t) for t in shared)}

    def convert(self, subtype: str, records: list[dict[str, Any]], path: Path, advance: Callable[[], None]) -> list[Sample]:
        """All samples of one query file; a malformed record names the file and its index."""
        samples: list[Sample] = []
        for index, record in enumerate(records):
            try:
                if subtype in ("interest", "demographics"):
                    samples.extend(self.profile_samples(subtype, index, record))
                else:
                    samples.append(self.condition_sample(subtype, record))
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"{path}: record {index} is malformed: {type(exc).__name__}: {exc}") from None
            advance()
        return samples


def movie_catalog(domain_dir: Path) -> tuple[Catalog, list[Triple]]:
    """The ML-1M catalog from movies.dat, with genre and release-year facts."""
    from rbh.data import read_movies

    path = domain_dir / "movies.dat"
    if not path.is_file():
        raise DataError(f"{domain_dir}: movies.dat is missing (the MovieLens-1M catalog the official movie files refer to)")
    rows = read_movies(path)
    triples = [Triple(r.item.id, "genre", g) for r in rows for g in r.genres]
    triples += [Triple(r.item.id, "release_year", str(r.item.year)) for r in rows if r.item.year]
    return Catalog((r.item for r in rows), domain="movie"), triples


def book_catalog(files: Mapping[str, Path]) -> Catalog:
    """Books have no id table in the release: every distinct title the files mention is an item."""
    titles: dict[str, None] = {}
    for path in files.values():
        for record in load_records(path):
            for value in _book_titles(record):
                titles.setdefault(value, None)
    items = []
    for n, raw in enumerate(titles, 1):
        title, year = split_year(raw)
        items.append(Item(f"book-{n:06d}", title, year))
    return Catalog(_dedupe(items), domain="book")


def _dedupe(items: list[Item]) -> list[Item]:
    from rbh.data import title_key

    seen: set[tuple[str, int | None]] = set()
    out = []
    for item in items:
        key = (title_key(item.title), item.year)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _book_titles(record: Mapping[str, Any]) -> Iterable[str]:
    yield from (str(t) for t in record.get("bookSubset") or [])
    yield from (str(t) for t in record.get("Shared consecutive books") or [])
    for fact in list(record.get("multihop_info") or []) + list(record.get("misinformed") or []):
        if isinstance(fact, dict) and fact.get("book"):
            yield str(fact["book"])
    for entry in record.get("query & ground true") or []:
        if isinstance(entry, dict):
            yield from (str(t) for t in entry.get("book subset") or [])


def import_recbench_plus(src: Path, out: Path, *, progress: bool = True, overwrite: bool = False) -> ImportReport:
    """Convert every official file under `src` into a dataset folder at `out`."""
    from rbh import StageProgress

    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise DataError(f"not a folder: {src}")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise DataError(f"{out} exists and is not empty (use --overwrite to replace it)")
    plan = {d: find_query_files(src / d) for d in ("movie", "book") if (src / d).is_dir()}
    plan = {d: files for d, files in plan.items() if files}
    if not plan:
        raise DataError(f"{src} holds no official RecBench+ query files (expected movie/ or book/ with e.g. DemographicsBasedQuery.json)")
    loaded = {d: {s: load_records(p) for s, p in files.items()} for d, files in plan.items()}
    report = ImportReport(out)
    tables: dict[str, list[dict[str, Any]]] = {}
    total = sum(len(r) for files in loaded.values() for r in files.values())
    with StageProgress("importing RecBench+", total, enabled=progress) as bar:
        for domain, files in loaded.items():
            catalog, facts = movie_catalog(src / domain) if domain == "movie" else (book_catalog(plan[domain]), [])
            conv = DomainImport(domain, catalog, facts)
            for subtype, records in files.items():
                samples = conv.convert(subtype, records, plan[domain][subtype], bar.advance)
                tables[f"{domain}_{subtype}"] = [s.to_dict() for s in samples]
                report.samples[f"{domain}_{subtype}"] = len(samples)
            tables[f"{domain}_items"] = [i.to_dict() for i in catalog.items.values()]
            tables[f"{domain}_kg"] = [t.to_dict() for t in sorted(conv.triples, key=lambda t: (t.item_id, t.relation, t.entity))]
            report.items[domain], report.triples[domain] = len(catalog), len(conv.triples)
            report.unresolved[domain] = conv.unresolved
    write_dataset(out, dict(sorted(tables.items())), card_body(tables, report), "RecBench+ (official release)")
    return report


def card_body(tables: Mapping[str, list[dict[str, Any]]], report: ImportReport) -> str:
    """The dataset card below its `configs:` header: rows per config, unresolved titles."""
    lines = ["# RecBench+ (official release, imported by rbh)", "", "| config | rows |", "|---|---|"]
    lines += [f"| {c} | {len(tables[c])} |" for c in sorted(tables)]
    unresolved = sum(len(v) for v in report.unresolved.values())
    lines += ["", f"Ground-truth titles not resolved to a catalog id (kept as titles): {unresolved}.", ""]
    return "\n".join(lines)
