"""Tables behind the simulated users: MovieLens-1M demographic marginals and how demographics
shift tastes (genre biases per age bucket, gender and occupation; the era each age prefers).

The marginals are the published ML-1M user counts (6,040 users); the biases are hand-set,
plausible tendencies (older users → older films, K-12 students → animation, ...), not
measurements. `rbh_kg.users` combines them with random individual tastes.
"""

from __future__ import annotations

from rbh.data import OCCUPATIONS

AGE_WEIGHTS: dict[int, float] = {1: 222, 18: 1103, 25: 2096, 35: 1193, 45: 550, 50: 496, 56: 380}
GENDER_WEIGHTS: dict[str, float] = {"M": 4331, "F": 1709}
OCCUPATION_WEIGHTS: dict[str, float] = dict(
    zip(
        OCCUPATIONS,
        (
            711,
            528,
            267,
            173,
            759,
            112,
            236,
            679,
            17,
            92,
            195,
            129,
            388,
            142,
            302,
            144,
            241,
            502,
            70,
            72,
            281,
        ),
    )
)
# Occupation weight multipliers per age bucket (absent = 1): students are young, retirees old.
OCCUPATION_BY_AGE: dict[int, dict[str, float]] = {
    1: {
        "K-12 student": 60.0,
        "college/grad student": 0.3,
        "retired": 0.0,
        "doctor/health care": 0.05,
        "lawyer": 0.0,
        "executive/managerial": 0.05,
        "scientist": 0.05,
        "academic/educator": 0.1,
        "homemaker": 0.1,
    },
    18: {"K-12 student": 1.0, "college/grad student": 4.0, "retired": 0.0, "executive/managerial": 0.3, "lawyer": 0.2},
    25: {"K-12 student": 0.02, "college/grad student": 0.8, "retired": 0.02},
    35: {"K-12 student": 0.0, "college/grad student": 0.2, "retired": 0.05},
    45: {"K-12 student": 0.0, "college/grad student": 0.1, "retired": 0.5},
    50: {"K-12 student": 0.0, "college/grad student": 0.05, "retired": 3.0},
    56: {"K-12 student": 0.0, "college/grad student": 0.05, "retired": 12.0},
}

# The release/publication year each age bucket's taste centres on.
ERA_BY_AGE: dict[str, dict[int, float]] = {
    "movie": {1: 1995, 18: 1993, 25: 1989, 35: 1982, 45: 1975, 50: 1968, 56: 1958},
    "book": {1: 1998, 18: 1990, 25: 1980, 35: 1970, 45: 1960, 50: 1950, 56: 1940},
}

GenreBias = dict[str, float]

MOVIE_AGE: dict[int, GenreBias] = {
    1: {
        "Animation": 1.2,
        "Children's": 1.2,
        "Comedy": 0.5,
        "Adventure": 0.6,
        "Fantasy": 0.6,
        "Film-Noir": -1.0,
        "War": -0.6,
        "Western": -0.6,
    },
    18: {"Comedy": 0.6, "Horror": 0.6, "Action": 0.5, "Sci-Fi": 0.4, "Thriller": 0.3, "Film-Noir": -0.5},
    25: {"Action": 0.3, "Thriller": 0.4, "Crime": 0.4, "Sci-Fi": 0.3},
    35: {"Drama": 0.3, "Thriller": 0.3, "Crime": 0.3, "Mystery": 0.2},
    45: {"Drama": 0.5, "War": 0.4, "Mystery": 0.4, "Western": 0.2},
    50: {"Drama": 0.5, "War": 0.6, "Western": 0.6, "Musical": 0.4, "Horror": -0.3},
    56: {"Western": 0.9, "War": 0.7, "Musical": 0.7, "Film-Noir": 0.7, "Drama": 0.5, "Horror": -0.6, "Animation": -0.6},
}
MOVIE_GENDER: dict[str, GenreBias] = {
    "F": {"Romance": 0.9, "Drama": 0.4, "Musical": 0.6, "Comedy": 0.2, "War": -0.5, "Western": -0.4, "Action": -0.3, "Horror": -0.2},
    "M": {"Action": 0.4, "Sci-Fi": 0.4, "War": 0.4, "Thriller": 0.2, "Western": 0.2, "Romance": -0.3, "Musical": -0.3},
}
MOVIE_OCCUPATION: dict[str, GenreBias] = {
    "K-12 student": {"Animation": 0.8, "Children's": 0.8, "Comedy": 0.4},
    "college/grad student": {"Comedy": 0.4, "Crime": 0.3, "Sci-Fi": 0.3, "Horror": 0.2},
    "programmer": {"Sci-Fi": 0.9, "Fantasy": 0.4, "Action": 0.2},
    "scientist": {"Sci-Fi": 0.8, "Documentary": 0.5, "Mystery": 0.2},
    "technician/engineer": {"Sci-Fi": 0.7, "Action": 0.3, "War": 0.2},
    "academic/educator": {"Drama": 0.5, "Film-Noir": 0.5, "Documentary": 0.6, "Mystery": 0.3},
    "writer": {"Drama": 0.6, "Film-Noir": 0.6, "Mystery": 0.4, "Romance": 0.2},
    "artist": {"Animation": 0.5, "Fantasy": 0.4, "Drama": 0.4, "Musical": 0.4},
    "homemaker": {"Romance": 0.7, "Children's": 0.6, "Musical": 0.5, "Comedy": 0.3},
    "retired": {"Western": 0.6, "War": 0.5, "Musical": 0.4, "Drama": 0.3},
    "lawyer": {"Crime": 0.7, "Thriller": 0.5, "Drama": 0.3},
    "doctor/health care": {"Drama": 0.4, "Thriller": 0.3, "Sci-Fi": 0.2},
    "executive/managerial": {"Thriller": 0.4, "Comedy": 0.3, "Action": 0.3},
    "sales/marketing": {"Comedy": 0.5, "Action": 0.3, "Romance": 0.2},
    "tradesman/craftsman": {"Action": 0.5, "Western": 0.6, "War": 0.4},
    "farmer": {"Western": 0.9, "War": 0.4, "Adventure": 0.3},
    "unemployed": {"Comedy": 0.4, "Horror": 0.5, "Action": 0.3},
    "customer service": {"Comedy": 0.5, "Romance": 0.3},
    "clerical/admin": {"Comedy": 0.4, "Romance": 0.4, "Drama": 0.2},
    "self-employed": {"Crime": 0.4, "Adventure": 0.3, "Comedy": 0.2},
}

BOOK_AGE: dict[int, GenreBias] = {
    1: {"Children's": 1.2, "Young Adult": 1.2, "Fantasy": 0.7, "Adventure": 0.5, "Graphic Novel": 0.5, "Philosophy": -0.8, "Memoir": -0.6},
    18: {"Young Adult": 0.6, "Fantasy": 0.6, "Dystopian": 0.6, "Science Fiction": 0.4, "Graphic Novel": 0.4},
    25: {"Science Fiction": 0.3, "Thriller": 0.4, "Fantasy": 0.3, "Dystopian": 0.3, "Self-Help": 0.3},
    35: {"Mystery": 0.4, "Thriller": 0.4, "Literary Fiction": 0.3, "Nonfiction": 0.3},
    45: {"Literary Fiction": 0.4, "Historical Fiction": 0.4, "History": 0.4, "Biography": 0.3},
    50: {"Classic": 0.5, "Historical Fiction": 0.5, "History": 0.5, "Biography": 0.4, "Young Adult": -0.5},
    56: {"Classic": 0.8, "Poetry": 0.5, "History": 0.6, "Memoir": 0.5, "Biography": 0.5, "Young Adult": -0.8, "Graphic Novel": -0.6},
}
BOOK_GENDER: dict[str, GenreBias] = {
    "F": {"Romance": 0.9, "Literary Fiction": 0.3, "Memoir": 0.4, "Historical Fiction": 0.3, "Science Fiction": -0.3, "Thriller": -0.1},
    "M": {"Science Fiction": 0.5, "Thriller": 0.3, "History": 0.3, "Adventure": 0.3, "Romance": -0.5},
}
BOOK_OCCUPATION: dict[str, GenreBias] = {
    "K-12 student": {"Children's": 0.8, "Young Adult": 0.8, "Fantasy": 0.4},
    "college/grad student": {"Classic": 0.4, "Philosophy": 0.4, "Dystopian": 0.4, "Satire": 0.3},
    "programmer": {"Science Fiction": 0.9, "Fantasy": 0.4, "Science": 0.3},
    "scientist": {"Science": 0.9, "Science Fiction": 0.5, "Nonfiction": 0.3},
    "technician/engineer": {"Science Fiction": 0.6, "Science": 0.4, "Thriller": 0.3},
    "academic/educator": {"Classic": 0.6, "History": 0.5, "Philosophy": 0.5, "Poetry": 0.3},
    "writer": {"Literary Fiction": 0.7, "Poetry": 0.6, "Classic": 0.4, "Short Stories": 0.5},
    "artist": {"Graphic Novel": 0.7, "Poetry": 0.4, "Fantasy": 0.3, "Memoir": 0.3},
    "homemaker": {"Romance": 0.7, "Children's": 0.5, "Mystery": 0.4, "Self-Help": 0.3},
    "retired": {"History": 0.6, "Biography": 0.5, "Mystery": 0.4, "Classic": 0.3},
    "lawyer": {"Thriller": 0.6, "Mystery": 0.5, "Biography": 0.3},
    "doctor/health care": {"Science": 0.4, "Thriller": 0.3, "Memoir": 0.3},
    "executive/managerial": {"Self-Help": 0.8, "Biography": 0.5, "Nonfiction": 0.4},
    "sales/marketing": {"Self-Help": 0.7, "Thriller": 0.3, "Romance": 0.2},
    "tradesman/craftsman": {"Adventure": 0.5, "Thriller": 0.4, "History": 0.3},
    "farmer": {"History": 0.5, "Adventure": 0.4, "Classic": 0.3},
    "unemployed": {"Horror": 0.5, "Fantasy": 0.4, "Graphic Novel": 0.3},
    "customer service": {"Romance": 0.4, "Mystery": 0.3, "Young Adult": 0.2},
    "clerical/admin": {"Romance": 0.4, "Mystery": 0.4, "Historical Fiction": 0.2},
    "self-employed": {"Self-Help": 0.5, "Biography": 0.4, "Adventure": 0.2},
}

GENRE_BIAS: dict[str, tuple[dict[int, GenreBias], dict[str, GenreBias], dict[str, GenreBias]]] = {
    "movie": (MOVIE_AGE, MOVIE_GENDER, MOVIE_OCCUPATION),
    "book": (BOOK_AGE, BOOK_GENDER, BOOK_OCCUPATION),
}


def genre_bias(domain: str, age: int, gender: str, occupation: str) -> GenreBias:
    """Summed genre biases of one demographic profile."""
    by_age, by_gender, by_occupation = GENRE_BIAS[domain]
    bias: GenreBias = {}
    for table in (by_age.get(age, {}), by_gender.get(gender, {}), by_occupation.get(occupation, {})):
        for genre, value in table.items():
            bias[genre] = bias.get(genre, 0.0) + value
    return bias


def occupation_weights(age: int) -> list[float]:
    """Occupation weights (ML-1M order) for one age bucket."""
    multipliers = OCCUPATION_BY_AGE.get(age, {})
    return [OCCUPATION_WEIGHTS[o] * multipliers.get(o, 1.0) for o in OCCUPATIONS]
