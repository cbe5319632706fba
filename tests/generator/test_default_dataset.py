"""`rbh-default` and `rbh generate` on the shipped data: counts, determinism, oracle recall 1.0."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq

from tests.conftest import only_run_dir, run_cli

SUBTYPES = ("explicit", "implicit", "misinformed", "interest", "demographics")


def _folder(cache: Path) -> Path:
    (folder,) = [p for p in (cache / "datasets").iterdir() if p.name.startswith("rbh-default-")]
    return folder


def test_default_dataset_has_every_subtype(default_cache):
    folder = _folder(default_cache)
    for subtype in SUBTYPES:
        movie = {s: pq.read_table(folder / f"movie_{subtype}" / f"{s}.parquet").num_rows for s in ("train", "validation", "test")}
        book = pq.read_table(folder / f"book_{subtype}" / "test.parquet").num_rows
        if subtype == "demographics":  # a few genre-and-era themes per group: the paper's scale (279 in movie)
            assert sum(movie.values()) >= 250 and movie["test"] >= 60, (subtype, movie)
        else:
            assert sum(movie.values()) >= 500 and movie["test"] >= 150, (subtype, movie)
        assert book > 0, (subtype, book)


def test_generate_cli_matches_the_default_build_byte_for_byte(default_cache, tmp_path):
    """One domain through the CLI (books: the quicker one) equals the default build's files."""
    out = tmp_path / "book"
    result = run_cli("generate", "--domain", "book", "--out", str(out), "--no-progress", "--workers", "2")
    assert result.code == 0, result.err
    assert "generated samples" in result.out and "validity: samples passing each rule" in result.out
    default = _folder(default_cache)
    assert sorted(p.relative_to(out) for p in out.rglob("*.parquet"))
    for path in sorted(out.rglob("*.parquet")):
        rel = path.relative_to(out)
        assert path.read_bytes() == (default / rel).read_bytes(), rel


def test_oracle_recall_is_one_on_rbh_default(default_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("RBH_CACHE_DIR", str(default_cache))
    result = run_cli("run", "--tasks", "explicit", "--model", "oracle", "--output", str(tmp_path), "--no-progress")
    assert result.code == 0, result.err
    run = only_run_dir(tmp_path)
    results = json.loads((run / "results.json").read_text())
    assert set(results["tasks"]) == {"movie_explicit", "book_explicit"}
    for task, data in results["tasks"].items():
        assert data["metrics"]["recall"]["value"] == 1.0, task
        assert data["metrics"]["precision"]["value"] == 1.0, task
        assert data["counts"]["samples"] >= 500 if task.startswith("movie") else data["counts"]["samples"] > 0


def test_fingerprint_follows_the_data(monkeypatch, tmp_path):
    from rbh_kg.generator import default_dataset

    data = tmp_path / "movie.jsonl"
    data.write_text("one\n")
    monkeypatch.setattr(default_dataset, "_inputs_files", lambda: [data])
    first = default_dataset.fingerprint()
    assert default_dataset.fingerprint() == first
    data.write_text("two\n")
    assert default_dataset.fingerprint() != first
    monkeypatch.setattr(default_dataset, "GENERATOR_VERSION", "999")
    assert default_dataset.fingerprint() != first


def test_registered_as_a_dataset_and_generator():
    from rbh.registry import get_registry

    registry = get_registry()
    assert registry.dataset("rbh-default") is not None
    assert registry.generator("kg").obj.__name__ == "KGGenerator"


def test_generate_cli_usage_errors(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = run_cli("generate", "--domain", "movie", "--out", str(tmp_path / "full"))
    assert result.code == 2 and "exists and is not empty" in result.err
    result = run_cli("generate", "--domain", "movie", "--kg", "k.csv", "--out", str(tmp_path / "o"))
    assert result.code == 2 and "--interactions" in result.err
    result = run_cli("generate", "--domain", "movie", "--limit-users", "0", "--out", str(tmp_path / "o"))
    assert result.code == 2


# Slips the old template phraser made (issue #10); no generated query may match one.
FORBIDDEN_SLIPS = (
    r"\bfrom United States\b",
    r"\bmade in United (States|Kingdom)\b",
    r"\bnovels and books\b",
    r"\bmade by (?P<p>[A-Z][\w.' -]+?) and with (?P=p) as a producer\b",
    r"\bby (?P<q>[A-Z][\w.' -]+?)\b.* and with (?P=q) as\b",
    r"\bin the same genre as\b",
    r"\bstories, as\b",
    r"\bthe year of\b",
    r"\ba 18\b",
    r"\bwho is \w+ who\b",
    r"\s[,.?!]",
    r"  ",
)


def test_default_queries_read_naturally(default_cache):
    """Targets of the template phraser on rbh-default (docs/design.md §9.7): median ≥ 25 words per
    condition query, ≥ 95% distinct queries per subtype, no forbidden slip."""
    import re
    import statistics

    folder = _folder(default_cache)
    slips = [re.compile(p) for p in FORBIDDEN_SLIPS]
    for domain in ("movie", "book"):
        for subtype in SUBTYPES:
            queries = pq.read_table(folder / f"{domain}_{subtype}" / "test.parquet", columns=["query"]).column("query").to_pylist()
            assert len(set(queries)) >= 0.95 * len(queries), (domain, subtype)
            if subtype in ("explicit", "implicit", "misinformed"):
                assert statistics.median(len(q.split()) for q in queries) >= 25, (domain, subtype)
            for q in queries:
                assert not any(s.search(q) for s in slips), q


def test_card_has_statistics_beside_the_paper(default_cache):
    card = (_folder(default_cache) / "README.md").read_text(encoding="utf-8")
    assert "| domain | subtype | source | samples | conditions 1/2/3-4 | hidden relation |" in card
    assert "| movie | misinformed | paper | 3239 | 42% / 48% / 11% |" in card
    assert re.search(r"\| book \| implicit \| generated \| \d+ \| [^|]+ \| written_by \d+%", card)


def test_the_cards_sample_counts_are_the_rows_written(default_cache):
    """The card's Statistics describe the dataset as written: a request asked twice with the same
    ground truth leaves before it is counted (`repeated_question`), not only at the split."""
    folder = _folder(default_cache)
    card = (folder / "README.md").read_text(encoding="utf-8")
    table = card[card.index("## Statistics") : card.index("### Per subtype")]
    checked = 0
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 9 and cells[0] in ("movie", "book"):
            rows = sum(pq.read_table(folder / f"{cells[0]}_{cells[1]}" / f"{s}.parquet").num_rows for s in ("train", "validation", "test"))
            assert int(cells[6]) == rows, (cells[0], cells[1])
            checked += 1
    assert checked == 10
