"""Seeded synthetic inputs of a chosen shape (benchmarks and tests; e.g. MovieLens-1M scale).

Items get a director, a writer, five cast members, 1-3 genres, a language and a year drawn from
skewed distributions; users draw histories from popularity mixed with a taste for a few genres,
directors and actors, so mining finds shared facts as it does on real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rbh import KG, Catalog, Item, Triple
from rbh_kg.generator.config import GeneratorInputs

GENRES = [
    "Drama",
    "Comedy",
    "Action",
    "Thriller",
    "Romance",
    "Horror",
    "Adventure",
    "Sci-Fi",
    "Crime",
    "Children's",
    "War",
    "Documentary",
    "Musical",
    "Mystery",
    "Animation",
    "Fantasy",
    "Western",
    "Film-Noir",
]
LANGUAGES = ["English"] * 17 + ["French", "Spanish", "Italian", "German", "Japanese", "Mandarin"]
AGES = ["1", "18", "25", "35", "45", "50", "56"]
AGE_WEIGHTS = [4, 18, 35, 20, 9, 8, 6]


@dataclass(frozen=True)
class Shape:
    """How big the synthetic domain is."""

    items: int = 3900
    users: int = 6040
    interactions: int = 1_000_000
    directors: int = 1600
    actors: int = 9000
    writers: int = 2500
    seed: int = 0


def _zipf_pick(rng: random.Random, n: int, s: float = 1.1) -> int:
    """An index in [0, n) with a heavy head (inverse-CDF of a continuous power law)."""
    u = rng.random()
    return min(n - 1, int(n**u**s) - 1) if n > 1 else 0


def synthetic_inputs(shape: Shape = Shape(), domain: str = "movie") -> GeneratorInputs:
    """Catalog, KG, histories and demographics of the given shape."""
    rng = random.Random(f"synthetic:{shape.seed}")
    items, triples = [], []
    for i in range(shape.items):
        item_id = f"m{i}"
        year = max(1919, min(2000, int(rng.gauss(1990, 9))))
        items.append(Item(item_id, f"Synthetic Film {i}", year))
        triples.append(Triple(item_id, "directed_by", f"Director {_zipf_pick(rng, shape.directors)}"))
        triples.append(Triple(item_id, "written_by", f"Writer {_zipf_pick(rng, shape.writers)}"))
        for a in {_zipf_pick(rng, shape.actors) for _ in range(5)}:
            triples.append(Triple(item_id, "starring", f"Actor {a}"))
        for g in {GENRES[_zipf_pick(rng, len(GENRES), 0.6)] for _ in range(rng.randint(1, 3))}:
            triples.append(Triple(item_id, "genre", g))
        triples.append(Triple(item_id, "language", rng.choice(LANGUAGES)))
        triples.append(Triple(item_id, "release_year", str(year)))
    kg = KG(triples)
    catalog = Catalog(items, domain=domain)
    by_fact: dict[str, list[str]] = {}
    for t in triples:
        if t.relation in ("genre", "directed_by", "starring"):
            by_fact.setdefault(f"{t.relation}={t.entity}", []).append(t.item_id)
    facts = sorted(by_fact)
    per_user = shape.interactions / shape.users
    histories: dict[str, list[str]] = {}
    users: dict[str, dict[str, str]] = {}
    for u in range(shape.users):
        uid = str(u + 1)
        n = max(20, min(shape.items // 2, int(rng.expovariate(1 / per_user))))
        tastes = [by_fact[facts[rng.randrange(len(facts))]] for _ in range(4)]
        seen: dict[str, None] = {}
        while len(seen) < n:
            if rng.random() < 0.35:
                pool = tastes[rng.randrange(4)]
                seen.setdefault(pool[rng.randrange(len(pool))], None)
            else:
                seen.setdefault(f"m{_zipf_pick(rng, shape.items, 0.8)}", None)
        histories[uid] = list(seen)
        users[uid] = {
            "age": rng.choices(AGES, AGE_WEIGHTS)[0],
            "gender": rng.choice("MMF"),
            "occupation": str(_zipf_pick(rng, 21, 0.5)),
        }
    return GeneratorInputs(domain, catalog, kg, histories, users)
