"""A small synthetic music domain for tests: albums by artists (each with its genre and country,
which several artists share, so an artist is never implied by the rest),
producers, labels and years, and listeners whose histories follow a few favourite artists. Seeded,
written as the files `rbh generate --kg --items --interactions --users` reads."""

from __future__ import annotations

import json
import random
from pathlib import Path

GENRES = ["rock", "jazz", "hip hop", "folk", "electronic", "soul", "metal", "pop"]
COUNTRIES = ["United States", "United Kingdom", "Canada", "Sweden", "Japan"]
LABELS = [f"{name} Records" for name in ("Harbor", "Lantern", "Meadow", "Orbit", "Quarry", "Saltmarsh", "Tundra", "Willow")]
PRODUCERS = [
    f"{first} {last}"
    for first, last in zip(
        ("Ada", "Bo", "Cyd", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivo", "Jo"),
        ("Marsh", "Stone", "Vale", "Rook", "Hart", "Lane", "Frost", "Reed", "Wolfe", "Park"),
    )
]
WORDS = ["Echoes", "Midnight", "Paper", "Northern", "Velvet", "Broken", "Electric", "Quiet", "Hollow", "Crimson"]
NOUNS = ["Skies", "Hearts", "Streets", "Dreams", "Signals", "Gardens", "Mirrors"]


def write_music_data(root: Path, n_users: int = 240, seed: int = 7) -> dict[str, Path]:
    """items.jsonl, kg.jsonl, interactions.jsonl and users.jsonl under `root`."""
    rng = random.Random(seed)
    items, triples, albums_of = [], [], {}
    for a in range(36):
        artist = f"The {WORDS[a % 10]} {NOUNS[a % 7]} Band {a}"
        start = rng.randint(1962, 2004)
        for k in range(7):
            iid = f"al{len(items) + 1:04d}"
            year = min(2020, start + 2 * k + rng.randint(0, 1))
            items.append(
                {"id": iid, "title": f"{WORDS[(len(items) * 3) % 10]} {NOUNS[k]} No. {len(items) + 1}", "year": year, "aliases": []}
            )
            facts = [
                ("performed_by", artist), ("genre", GENRES[a % 4]), ("country", COUNTRIES[(a // 4) % 3]),
                ("label", LABELS[(a + k) % 8]), ("produced_by", PRODUCERS[(a * 3 + k) % 10]), ("release_year", str(year)),
            ]  # fmt: skip
            if k % 3 == 0:
                facts.append(("genre", GENRES[4 + a % 4]))
            triples += [{"item_id": iid, "relation": r, "entity": e} for r, e in facts]
            albums_of.setdefault(artist, []).append(iid)
    occupations = [
        "programmer",
        "artist",
        "writer",
        "K-12 student",
        "college/grad student",
        "retired",
        "academic/educator",
        "sales/marketing",
    ]
    interactions, users = [], []
    for u in range(1, n_users + 1):
        favourites = rng.sample(sorted(albums_of), 4)  # some albums of each: the rest can be bridges
        history = [i for artist in favourites for i in rng.sample(albums_of[artist], 4)] + rng.sample([it["id"] for it in items], 12)
        rng.shuffle(history)
        for j, iid in enumerate(dict.fromkeys(history)):
            interactions.append({"user_id": str(u), "item_id": iid, "rating": 5.0, "timestamp": 1_000_000_000 + u * 1000 + j})
        users.append({"user_id": str(u), "age": [18, 25, 35, 45, 56][u % 5], "gender": "MF"[u % 2], "occupation": occupations[u % 8]})
    root.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, rows in (("items", items), ("kg", triples), ("interactions", interactions), ("users", users)):
        paths[name] = root / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return paths
