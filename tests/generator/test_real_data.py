"""On real data — TML1M (KG) with ml-latest-small ratings (real users) — and checked
independently: the exported parquet and the TML1M CSV are re-read here, with no generator code."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.shared_data


def _facts_from_csv(path: Path, items: list[dict]) -> tuple[dict[str, set[tuple[str, str]]], dict[str, str], dict[str, list[str]]]:
    """(item id → facts, id → natural-order title, id → cast in billing order) straight from
    movies.csv, joined with the exported catalog on title + year (a few TML1M Urls carry a wrong id)."""
    from rbh_kg.tml1m import LANGUAGE_NAMES  # the loader's language names (TML1M writes "Français")

    facts: dict[str, set[tuple[str, str]]] = {}
    titles: dict[str, str] = {}
    casts: dict[str, list[str]] = {}
    by_key: dict[tuple[str, str], set[tuple[str, str]]] = {}
    cast_of: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            title = re.sub(r"\s*\(.*\)\s*$", "", row["Title"]).strip()
            m = re.match(r"^(.*), (The|A|An)$", title)
            title = f"{m.group(2)} {m.group(1)}" if m else title
            year = str(int(float(row["Year"]))) if row["Year"].strip() else ""
            split = lambda text, sep: [p.strip() for p in text.split(sep) if p.strip()]  # noqa: E731
            f = {("directed_by", d) for d in split(row["Director"], ",")}
            f |= {("starring", a) for a in split(row["Cast"], ",")}
            f |= {("genre", g) for g in split(row["Genre"], "|")}
            f |= {("language", LANGUAGE_NAMES.get(x, x)) for x in split(row["Languages"], ",")}
            if row["Year"].strip():
                f.add(("release_year", str(int(float(row["Year"])))))
            for key in ((_norm(title), year), (_norm(row["Title"].rsplit(" (", 1)[0]), year)):
                by_key.setdefault(key, set()).update(f)
                cast_of.setdefault(key, split(row["Cast"], ","))
    for item in items:
        year = str(item["year"]) if item["year"] is not None else ""
        for name in (item["title"], *item["aliases"]):
            if (_norm(name), year) in by_key:
                facts[item["id"]] = by_key[(_norm(name), year)]
                titles[item["id"]] = item["title"]
                casts[item["id"]] = cast_of[(_norm(name), year)]
                break
    return facts, titles, casts


def _norm(text: str) -> str:
    return " " + " ".join(re.sub(r"[^\w]+", " ", text.casefold().replace("'", "")).split()) + " "


def _names(query: str, name: str) -> bool:
    key = _norm(name).strip()
    key = re.sub(r"^(the|a|an) ", "", key)
    return bool(key) and f" {key} " in _norm(query)


def test_generator_on_tml1m_and_real_ratings(shared_data, tmp_path):
    movies = shared_data / "tml1m" / "movies.csv"
    ratings = shared_data / "ml-latest-small" / "ratings.csv"
    out = tmp_path / "real"
    result = run_cli(
        "generate",
        "--domain",
        "movie",
        "--kg",
        str(movies),
        "--interactions",
        str(ratings),
        "--limit-users",
        "250",
        "--out",
        str(out),
        "--no-progress",
    )
    assert result.code == 0, result.err
    catalog = pq.read_table(out / "movie_items" / "train.parquet").to_pylist()
    facts, titles, casts = _facts_from_csv(movies, catalog)
    years = {i["id"]: i["year"] for i in catalog}
    holders: dict[tuple[str, str], set[str]] = {}
    for item, item_facts in facts.items():
        for fact in item_facts:
            holders.setdefault(fact, set()).add(item)

    def answers(conditions: list[tuple[str, str]]) -> int:
        return len(set.intersection(*(holders[c] for c in conditions))) if conditions else len(facts)

    counts = {}
    for subtype in ("explicit", "implicit", "misinformed", "interest"):
        rows = pq.read_table(out / f"movie_{subtype}" / "test.parquet").to_pylist()
        counts[subtype] = len(rows)
        assert rows, subtype
        for row in rows:
            gt, query = row["ground_truth"], row["query"]
            truths = [(c["relation"], c["entity"]) for c in row["conditions"]]
            for item in gt:
                assert all(t in facts[item] for t in truths), (row["id"], item, truths)
                assert not _names(query, titles[item]), (row["id"], titles[item], query)
            assert not set(row["history"]) & set(gt), row["id"]
            if subtype == "explicit":
                assert all(_names(query, e) for _, e in truths), (row["id"], query)
            if subtype in ("implicit", "misinformed"):
                for b in row["bridges"]:
                    assert b["item_id"] not in gt and (b["relation"], b["entity"]) in facts[b["item_id"]]
                    assert not _names(query, b["entity"]), (row["id"], query)
                relation, entity = row["bridges"][0]["relation"], row["bridges"][0]["entity"]
                assert relation != "genre", row["id"]
                shared = set.intersection(*({e for r, e in facts[b["item_id"]] if r == relation} for b in row["bridges"]))
                assert shared == {entity}, ("the bridges pin the hidden entity down", row["id"], shared)
                with_it, without = answers(truths), answers([t for t in truths if t != (relation, entity)])
                assert without >= 2 * with_it and without >= with_it + 3, ("the hidden condition matters", row["id"])
                if relation == "starring":
                    assert all(entity in casts[b["item_id"]][:2] for b in row["bridges"]), ("first-billed", row["id"])
            if subtype == "misinformed":
                for m in row["misinformation"]:
                    assert (m["relation"], m["stated_entity"]) not in facts[m["item_id"]]
                    assert m["stated_entity"] != m["true_entity"] and _names(query, m["stated_entity"])
                    assert m["relation"] in ("directed_by", "starring"), "only people are misattributed"
                    credited = [years[i] for i in holders[(m["relation"], m["stated_entity"])]]
                    year = years[m["item_id"]]
                    assert min(credited) <= year + 3 and max(credited) >= year - 15, ("active by then", row["id"])
                    languages = {e for i in holders[(m["relation"], m["stated_entity"])] for r, e in facts[i] if r == "language"}
                    bridge_languages = {e for r, e in facts[m["item_id"]] if r == "language"}
                    assert not bridge_languages or languages & bridge_languages, ("worked in the bridge's language", row["id"])
            if subtype == "interest":
                assert {t["relation"] for t in row["group"]["theme"]} <= {"genre", "decade", "language", "country"}
                seeds = row["group"]["pattern"].split(" > ")
                assert len(gt) >= 2 and not set(gt) & set(seeds), "the ground truth is what came after the seeds"
                assert not set(row["history"]) & set(gt)
    print("real-data samples:", counts)
    # hidden-relation targets are kept to the relations TML1M has (a target share held open for
    # composers once capped the two subtypes at about 20 samples)
    assert min(counts["implicit"], counts["misinformed"]) >= 0.7 * counts["explicit"], counts
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "| movie | misinformed | misinfo_active |" in card and "misinfo_gender" not in card.split("## Validity")[1].split("- `")[0]
    assert "no gender for people, so the gender rule of misinformation was not applied" in card
