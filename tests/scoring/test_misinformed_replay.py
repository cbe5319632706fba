"""gpt-4o's official K=5 misinformed responses, replayed: official FTR and the correction metric."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh.cli.main import main
from rbh.data import read_movies
from tests.conftest import only_run_dir, write_jsonl

N = 400  # the first requests of the file (ids "0".."399"), enough to cover every response shape


@pytest.fixture(scope="module")
def misinformed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A dataset of the first N misinformed requests (ground truth was not released) + ML-1M items."""
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    runs = SHARED_DATA / "recbench-plus" / "official-runs"
    root = tmp_path_factory.mktemp("misinformed")
    samples = []
    with (runs / "movie-misinformed.gpt-4o-k5.requests.jsonl").open(encoding="utf-8") as fh:
        for line, _ in zip(fh, range(N)):
            request = json.loads(line)
            user = request["body"]["messages"][-1]["content"]
            query = user.removeprefix("Query: ").split("\nRecommended movies")[0]
            misinformation = []
            if request["custom_id"] == "1":  # "... Girl 6 ... Yoshihisa Kishimoto directed it": Spike Lee did
                misinformation = [
                    {"item_id": "639", "relation": "directed_by", "true_entity": "Spike Lee", "stated_entity": "Yoshihisa Kishimoto"}
                ]
            samples.append(
                {
                    "id": f"movie-misinformed-{int(request['custom_id']):06d}",
                    "domain": "movie",
                    "subtype": "misinformed",
                    "query": query,
                    "ground_truth": [],
                    "conditions": [{"relation": "directed_by", "entity": "Spike Lee"}],
                    "misinformation": misinformation,
                    "official_id": request["custom_id"],
                }
            )
    write_jsonl(root / "movie_misinformed" / "test.jsonl", samples)
    movies = read_movies(SHARED_DATA / "recbench-plus" / "movie" / "movies.dat")
    write_jsonl(root / "movie_items" / "train.jsonl", [m.item.to_dict() for m in movies])
    return root, runs / "movie-misinformed.gpt-4o-k5.responses.jsonl"


def test_official_ftr_and_correction(misinformed: tuple[Path, Path], tmp_path: Path) -> None:
    dataset, responses = misinformed
    code = main(
        [
            "run",
            "--tasks",
            "movie_misinformed_k5",
            "--model",
            f"replay:{responses}",
            "--dataset",
            str(dataset),
            "--scoring",
            "official",
            "--no-cache",
            "--no-progress",
            "--output",
            str(tmp_path),
        ]
    )
    assert code == 0
    run_dir = only_run_dir(tmp_path)
    rows = {r["official_id"]: r for r in map(json.loads, (run_dir / "samples" / "movie_misinformed_k5.jsonl").read_text().splitlines())}
    assert len(rows) == N
    for row in rows.values():
        assert row["metrics"]["ftr"] == float("[SEP]" not in row["response"])
    assert rows["1"]["metrics"]["correction"] == 1.0
    assert rows["0"]["metrics"]["correction"] == 0.0  # invents titles without questioning the premise
    assert rows["10"]["metrics"]["ftr"] == 0.0  # "[SEP]" alone passes the official check (rbh: a failure)

    assert main(["score", str(run_dir), "--scoring", "rbh"]) == 0
    rbh = json.loads((run_dir / "results.rbh.json").read_text())["tasks"]["movie_misinformed_k5"]["metrics"]
    official = json.loads((run_dir / "results.json").read_text())["tasks"]["movie_misinformed_k5"]["metrics"]
    # rbh counts "[SEP]" alone and prose-only answers as failures, but not a one-title answer without [SEP]
    assert rbh["ftr"]["value"] != official["ftr"]["value"]
    assert 0.05 < rbh["correction"]["value"] < 0.5
