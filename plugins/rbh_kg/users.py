"""Seeded simulated users over a curated KG: MovieLens-style demographics and timestamped
histories drawn from taste profiles (docs/design.md §10).

Users are generated on demand, not shipped: the same (domain data, seed) gives the same users
and histories on every machine, in a second or two per domain. Each user gets
- demographics drawn from the ML-1M marginals (occupation conditioned on age);
- a taste profile: genre weights (2–3 personal favourites plus demographic biases), an era
  centred by age bucket, a popularity prior, and favourite people/series (directors and lead
  actors for movies, authors and series for books) taken from a few liked seed items;
- a history of 20–300 items: single picks sampled from the taste scores, interleaved with
  "binge" runs through a favourite's works in chronological order — so users who share a
  favourite also share consecutive item sequences (interest queries) and history items share
  KG facts (condition mining).
Draws come from one numpy stream per (seed, domain), as uniforms transformed by hand (no
distribution method whose algorithm numpy may change), and are vectorized over users.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from rbh.data import AGE_BUCKETS, OCCUPATIONS, Interaction, Interactions, User, Users, gc_paused
from rbh_kg.curated import CatalogKG, load_curated
from rbh_kg.user_tastes import AGE_WEIGHTS, ERA_BY_AGE, GENDER_WEIGHTS, genre_bias, occupation_weights

DEFAULT_SEED = 0
USER_COUNTS = {"movie": 3000, "book": 2000}
FAVOURITE_RELATIONS = {"movie": ("directed_by", "starring"), "book": ("written_by", "series")}
HISTORY_MIN, HISTORY_MAX, HISTORY_MEDIAN = 20, 300, 60
BINGE_SHARE = 0.3  # chance that the next step is a run through a favourite's works
SPAN_DAYS = 1000  # the histories fall into this many days after the catalog's last year
AGES = tuple(AGE_BUCKETS)


class SimulatedUsers(NamedTuple):
    """Demographics and time-ordered interactions of one domain's simulated users."""

    users: Users
    interactions: Interactions


@lru_cache(maxsize=4)
def default_users(domain: str) -> SimulatedUsers:
    """The shipped default: `USER_COUNTS[domain]` users over the curated KG, seed 0."""
    return simulate_users(domain)


def simulate_users(domain: str, data: CatalogKG | None = None, n_users: int | None = None, seed: int = DEFAULT_SEED) -> SimulatedUsers:
    """Draw `n_users` users (default `USER_COUNTS[domain]`) over `data` (default: the curated KG)."""
    with gc_paused():
        return _simulate(
            ItemSpace.build(domain, data or load_curated(domain)), n_users if n_users is not None else USER_COUNTS[domain], seed
        )


def _simulate(space: ItemSpace, n: int, seed: int) -> SimulatedUsers:
    domain = space.domain
    rng = np.random.default_rng([seed, _code(domain)])
    users = draw_demographics(rng, n)
    scores = taste_scores(space, rng, users)
    favourites = pick_favourites(space, rng, scores)
    for row, facts in enumerate(favourites):
        for fact in facts:
            scores[row, space.runs[fact]] += 1.2
    lengths = np.clip(
        np.exp(np.log(HISTORY_MEDIAN) + 0.8 * _normal(rng, n)).astype(int), HISTORY_MIN, min(HISTORY_MAX, len(space.ids) // 2)
    )
    order = preference_order(-(scores + _gumbel(rng, scores.shape)), int(lengths.max()))
    uniforms = rng.random((n, HISTORY_MAX + 8))
    histories = [
        draw_history(space, uniforms[row, : size + 8].tolist(), order[row, :size].tolist(), favourites[row], size)
        for row, size in enumerate(lengths.tolist())
    ]
    return SimulatedUsers(Users(users), timestamped(space, rng, users, histories, scores))


def preference_order(keys: np.ndarray, k: int) -> np.ndarray:
    """Per row, the indices of the `k` smallest keys in ascending key order (ties by index).

    A history of length L never looks past position L of its order: every earlier item is
    already consumed by then."""
    if k >= keys.shape[1]:
        return np.argsort(keys, axis=1, kind="stable")
    top = np.sort(np.argpartition(keys, k - 1, axis=1)[:, :k], axis=1)
    return np.take_along_axis(top, np.argsort(np.take_along_axis(keys, top, axis=1), axis=1, kind="stable"), axis=1)


@dataclass
class ItemSpace:
    """Per-domain arrays the simulation works on (items in id order)."""

    domain: str
    ids: list[str]
    years: np.ndarray  # float, release/publication year
    genres: list[str]
    genre_matrix: np.ndarray  # items × genres, 1/√(item's genre count) where the item has the genre
    log_popularity: np.ndarray  # the popularity prior (log scale)
    runs: dict[tuple[str, str], np.ndarray]  # favourite candidate → its items, chronological
    item_runs: list[list[tuple[str, str]]]  # item → the runs it belongs to (favourite relations)
    run_lists: dict[tuple[str, str], list[int]]  # `runs` as Python lists (fast membership loops)
    start: int  # Unix time of the first possible interaction

    @classmethod
    def build(cls, domain: str, data: CatalogKG) -> "ItemSpace":
        catalog, kg = data
        ids = sorted(catalog.items)
        years = np.array([catalog[i].year or 1990 for i in ids], dtype=float)
        genres = sorted({e for i in ids for e in kg.entities(i, "genre")})
        col = {g: j for j, g in enumerate(genres)}
        matrix = np.zeros((len(ids), len(genres)))
        for row, item in enumerate(ids):
            own = kg.entities(item, "genre")
            for g in own:
                matrix[row, col[g]] = 1 / np.sqrt(len(own))
        members: dict[tuple[str, str], list[int]] = {}
        for row, item in enumerate(ids):
            for relation in FAVOURITE_RELATIONS[domain]:
                for entity in kg.entities(item, relation):
                    members.setdefault((relation, entity), []).append(row)
        runs = {f: np.array(sorted(rows, key=lambda r: (years[r], ids[r]))) for f, rows in sorted(members.items()) if len(rows) >= 2}
        item_runs: list[list[tuple[str, str]]] = [[] for _ in ids]
        for fact, rows in runs.items():
            for r in rows:
                item_runs[r].append(fact)
        prolific = np.array([sum(np.log(len(runs[f])) for f in facts) for facts in item_runs])
        noise = _normal(np.random.default_rng([DEFAULT_SEED, _code(domain), 2**31]), len(ids))
        recency = np.clip((years - years.max()) / 40, -1.5, 0)
        log_pop = 0.9 * noise + 0.35 * prolific + recency
        start = _year_start(int(years.max()) + 1)
        run_lists = {f: rows.tolist() for f, rows in runs.items()}
        return cls(domain, ids, years, genres, matrix, log_pop, runs, item_runs, run_lists, start)


def draw_demographics(rng: np.random.Generator, n: int) -> list[User]:
    """ML-1M-like age, gender and (age-conditioned) occupation for users "1".."n"."""
    ages = [AGES[i] for i in _choices(rng, [AGE_WEIGHTS[a] for a in AGES], n)]
    genders = ["MF"[i] for i in _choices(rng, [GENDER_WEIGHTS["M"], GENDER_WEIGHTS["F"]], n)]
    u = rng.random(n)
    cumulative = {a: np.cumsum(occupation_weights(a)) for a in AGES}
    occupations = [OCCUPATIONS[_pick(cumulative[a], x)] for a, x in zip(ages, u.tolist())]
    return [User(str(i + 1), a, g, o) for i, (a, g, o) in enumerate(zip(ages, genders, occupations))]


def taste_scores(space: ItemSpace, rng: np.random.Generator, users: list[User]) -> np.ndarray:
    """Users × items log-weights: popularity + genre taste (personal + demographic) + era."""
    n, n_genres = len(users), len(space.genres)
    weights = np.array(
        [[b.get(g, 0.0) for g in space.genres] for b in (genre_bias(space.domain, u.age, u.gender, u.occupation) for u in users)]
    ).reshape(n, n_genres)
    share = space.genre_matrix.sum(axis=0) + 1
    extra = 2 + (rng.random(n) < 0.5)
    picks, boosts = rng.random((n, 3)), 1.0 + rng.random((n, 3))
    for row in range(n):
        cumulative = np.cumsum(share * np.exp(weights[row]))
        for k in range(int(extra[row])):
            weights[row, _pick(cumulative, float(picks[row, k]))] += boosts[row, k]
    centre = np.array([ERA_BY_AGE[space.domain][u.age] for u in users]) + 8 * _normal(rng, n)
    width = 10 + 12 * rng.random(n)
    era = np.maximum(-0.5 * ((space.years[None, :] - centre[:, None]) / width[:, None]) ** 2, -4.0)
    return 0.8 * space.log_popularity[None, :] + 1.5 * weights @ space.genre_matrix.T + era


def pick_favourites(space: ItemSpace, rng: np.random.Generator, scores: np.ndarray) -> list[list[tuple[str, str]]]:
    """Per user, favourite people/series: those of 3–5 seed items the user likes most (noisy top-k)."""
    keys = scores + _gumbel(rng, scores.shape)
    top = np.argpartition(-keys, 5, axis=1)[:, :6]
    n_seeds = 3 + (3 * rng.random(len(scores))).astype(int)
    out = []
    for row in range(len(scores)):
        seeds = sorted(top[row].tolist(), key=lambda i: -keys[row, i])[: n_seeds[row]]
        favourites = dict.fromkeys(fact for item in seeds for fact in space.item_runs[item])
        out.append(list(favourites)[:8])
    return out


def draw_history(space: ItemSpace, uniforms: list[float], order: list[int], favourites: list[tuple[str, str]], length: int) -> list[int]:
    """Item indices in consumption order: picks in `order` (the user's sampled preference order)
    interleaved with chronological runs through a favourite's works. `uniforms` holds at least
    `length + 8` draws in [0, 1)."""
    consumed = bytearray(len(space.ids))
    history: list[int] = []
    runs, n_favourites = space.run_lists, len(favourites)
    cursor = step = 0
    while len(history) < length:
        u = uniforms[step]
        step += 1
        if n_favourites and u < BINGE_SHARE:
            size = min(2 + int(3 * uniforms[step + 7]), length - len(history))
            fresh = [i for i in runs[favourites[int(u / BINGE_SHARE * n_favourites)]] if not consumed[i]][:size]
            if fresh:  # every step adds at least one item, so `length + 8` draws suffice
                for i in fresh:
                    consumed[i] = 1
                history.extend(fresh)
                continue
        while consumed[order[cursor]]:
            cursor += 1
        consumed[order[cursor]] = 1
        history.append(order[cursor])
    return history


def timestamped(
    space: ItemSpace, rng: np.random.Generator, users: list[User], histories: list[list[int]], scores: np.ndarray
) -> Interactions:
    """Strictly increasing timestamps per user (minutes apart within a session, days between
    sessions) and 1–5 ratings that follow the user's taste scores (z-scored over the history)."""
    sizes = np.array([len(h) for h in histories])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rows = np.repeat(np.arange(len(histories)), sizes)
    items = np.fromiter((i for h in histories for i in h), dtype=np.int64, count=int(sizes.sum()))
    u = rng.random((4, len(items)))
    gaps = (np.where(u[0] < 0.7, 60 + 900 * u[1], 86_400 * 4 * -np.log(1 - u[1]))).astype(np.int64) + 1
    elapsed = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[starts] - gaps[starts], sizes)
    offset = (rng.random(len(histories)) * SPAN_DAYS * 86_400 * 0.5).astype(np.int64)
    times = space.start + np.repeat(offset, sizes) + elapsed
    own = scores[rows, items]
    mean = np.add.reduceat(own, starts) / sizes
    std = np.sqrt(np.add.reduceat((own - np.repeat(mean, sizes)) ** 2, starts) / sizes)
    z = (own - np.repeat(mean, sizes)) / (np.repeat(std, sizes) + 1e-9)
    noise = np.sqrt(-2 * np.log(1 - u[3])) * np.cos(2 * np.pi * u[2])
    ratings = np.clip(np.rint(3.6 + 0.9 * z + 0.7 * noise), 1, 5)
    ids, make = space.ids, tuple.__new__
    ratings_list, times_list, items_list = ratings.tolist(), times.tolist(), items.tolist()
    return Interactions.from_users(
        {
            user.user_id: [
                make(Interaction, (user.user_id, ids[items_list[k]], ratings_list[k], times_list[k])) for k in range(start, start + size)
            ]
            for user, start, size in zip(users, starts.tolist(), sizes.tolist())
        }
    )


# -- seeded draws from uniforms only (stable across numpy versions) ---------------------------


def _pick(cumulative: np.ndarray, u: float) -> int:
    """The index a uniform `u` in [0, 1) selects from cumulative weights."""
    return int(min(np.searchsorted(cumulative, u * cumulative[-1], side="right"), len(cumulative) - 1))


def _choices(rng: np.random.Generator, weights: list[float], n: int) -> list[int]:
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    picks = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return np.minimum(picks, len(cumulative) - 1).tolist()


def _normal(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    u1, u2 = 1 - rng.random(size), rng.random(size)
    return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)


def _gumbel(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    return -np.log(-np.log(np.clip(rng.random(size), 1e-300, 1 - 1e-16)))


def _code(domain: str) -> int:
    return zlib.crc32(domain.encode())


def _year_start(year: int) -> int:
    return int((np.datetime64(f"{year}-01-01") - np.datetime64("1970-01-01")) // np.timedelta64(1, "s"))
