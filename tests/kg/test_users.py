"""Simulated users: demographics, history shape, determinism, and the structure the generator
needs (shared facts for condition mining, distinct demographic tops, shared sequences)."""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter, defaultdict

import pytest

from rbh.data.movielens import AGE_BUCKETS, OCCUPATIONS
from rbh_kg.curated import load_curated
from rbh_kg.users import USER_COUNTS, SimulatedUsers, default_users, simulate_users


@pytest.fixture(scope="module")
def movie_users() -> SimulatedUsers:
    start = time.perf_counter()
    users = default_users("movie")
    print(f"\nsimulated {len(users.users)} movie users in {time.perf_counter() - start:.2f}s")
    return users


@pytest.fixture(scope="module")
def book_users() -> SimulatedUsers:
    return default_users("book")


def test_counts_and_demographics(movie_users: SimulatedUsers, book_users: SimulatedUsers) -> None:
    assert len(movie_users.users) == USER_COUNTS["movie"] >= 3000
    assert len(book_users.users) == USER_COUNTS["book"] >= 2000
    for sim, min_occupations in ((movie_users, 21), (book_users, 18)):
        users = list(sim.users)
        assert {u.age for u in users} == set(AGE_BUCKETS)
        assert {u.gender for u in users} == {"M", "F"}
        assert len({u.occupation for u in users}) >= min_occupations and {u.occupation for u in users} <= set(OCCUPATIONS)
        assert 0.6 < sum(u.gender == "M" for u in users) / len(users) < 0.8  # ML-1M: 72% male
        assert not [u for u in users if u.occupation == "K-12 student" and u.age >= 35]
        assert not [u for u in users if u.occupation == "retired" and u.age < 18]


@pytest.mark.parametrize("domain", ["movie", "book"])
def test_histories(domain: str) -> None:
    catalog, _ = load_curated(domain)
    sim = default_users(domain)
    for user in sim.users:
        rows = sim.interactions.of(user.user_id)
        assert 20 <= len(rows) <= 300
        assert len({r.item_id for r in rows}) == len(rows)
        assert all(a.timestamp < b.timestamp for a, b in zip(rows, rows[1:]))
        assert all(r.item_id in catalog and r.rating in (1.0, 2.0, 3.0, 4.0, 5.0) for r in rows)


def test_deterministic_and_seeded() -> None:
    a, b = simulate_users("book", n_users=50), simulate_users("book", n_users=50)
    assert list(a.interactions) == list(b.interactions) and list(a.users) == list(b.users)
    c = simulate_users("book", n_users=50, seed=1)
    assert list(c.interactions) != list(a.interactions)


def test_condition_mining_finds_shared_facts(movie_users: SimulatedUsers) -> None:
    """The median user has >= 5 (relation, entity) facts shared by >= 2 history items."""
    catalog, kg = load_curated("movie")
    facts = {item: kg.facts(item) for item in catalog.items}
    frequency = Counter(f for item_facts in facts.values() for f in item_facts)
    shared, informative = [], []
    for _user, history in movie_users.interactions.histories().items():
        counts = Counter(f for item in history for f in facts[item])
        shared.append(sum(n >= 2 for n in counts.values()))
        informative.append(
            sum(
                n >= 2
                for f, n in counts.items()
                if frequency[f] <= 0.3 * len(catalog) and f[0] not in ("genre", "release_year", "country", "language")
            )
        )
    print(
        f"\nmedian shared facts per movie user: {statistics.median(shared)} "
        f"(people facts held by <= 30% of the catalog: {statistics.median(informative)})"
    )
    assert statistics.median(shared) >= 5
    assert statistics.median(informative) >= 5


def tfidf_top(sim: SimulatedUsers, attribute: str, k: int = 10) -> dict[object, list[str]]:
    """Top-k items per demographic group; tf = share of the group's interactions, idf over groups."""
    histories = sim.interactions.histories()
    groups: dict[object, Counter[str]] = defaultdict(Counter)
    for user in sim.users:
        groups[getattr(user, attribute)].update(histories[user.user_id])
    df = Counter(item for counts in groups.values() for item in counts)
    tops = {}
    for group, counts in groups.items():
        total = sum(counts.values())
        score = {i: n / total * math.log(1 + len(groups) / df[i]) for i, n in counts.items()}
        tops[group] = sorted(score, key=lambda i: (-score[i], i))[:k]
    return tops


@pytest.mark.parametrize("domain", ["movie", "book"])
def test_demographic_groups_differ(domain: str) -> None:
    sim = default_users(domain)
    ages = tfidf_top(sim, "age")
    assert len({tuple(t) for t in ages.values()}) == len(AGE_BUCKETS)
    assert len(set(ages[1]) & set(ages[56])) <= 2
    genders = tfidf_top(sim, "gender")
    assert len(set(genders["M"]) & set(genders["F"])) <= 7
    occupations = tfidf_top(sim, "occupation")
    assert len(set(occupations["K-12 student"]) & set(occupations["retired"])) <= 2


@pytest.mark.parametrize("domain", ["movie", "book"])
def test_consecutive_sequences_are_shared(domain: str) -> None:
    sequences: Counter[tuple[str, ...]] = Counter()
    for history in default_users(domain).interactions.histories().values():
        sequences.update(set(zip(history, history[1:], history[2:])))
        sequences.update(set(zip(history, history[1:])))
    shared = [s for s, n in sequences.items() if n >= 3]
    print(
        f"\n{domain}: {sum(len(s) == 3 for s in shared)} 3-item and {sum(len(s) == 2 for s in shared)} "
        f"2-item consecutive sequences shared by >= 3 users"
    )
    assert any(len(s) == 3 for s in shared) and len(shared) >= 50
