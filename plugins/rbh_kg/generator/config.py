"""Parameters and inputs of the `kg` generator (docs/design.md §9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rbh import KG, Catalog, domain_profile

GENERATOR_NAME = "rbh-kg-generator"
# 2.1: train / validation / test splits, disjoint by user; 2.2: paired robustness sets; 2.3: validity
# round 2 (plausible misinformation, hidden entities that matter, profile queries by theme)
GENERATOR_VERSION = "2.3"
SOURCE = f"{GENERATOR_NAME} {GENERATOR_VERSION}"


# The paper's condition-count mix per subtype (movie: 1 / 2 / 3-4 conditions), docs/design.md §9.2.
PAPER_COUNTS: dict[str, tuple[int, int, int]] = {
    "explicit": (2225, 2346, 426),
    "implicit": (1753, 1552, 344),
    "misinformed": (1353, 1544, 342),
}
PAPER_MIXES: dict[str, tuple[float, float, float]] = {
    s: (a / (a + b + c), b / (a + b + c), c / (a + b + c)) for s, (a, b, c) in PAPER_COUNTS.items()
}
# Which relations a domain hides, and misattributes, and their target mix, come from its profile
# (rbh.DomainProfile, plugins/rbh_kg/domains/*.yaml); GeneratorConfig may override them per domain.
LITERAL = ("genre", "release_year", "publication_year", "decade", "country", "language")
NEVER_HIDDEN = ("genre",)  # a bridge never stands for a genre (bridges cannot pin one down)


# Users (and demographic groups) go to train / validation / test in these shares: a large test
# split keeps evaluation meaningful, the rest is training data that never meets the test queries.
DEFAULT_SPLIT_SHARES = (0.6, 0.1, 0.3)


def _copy(nested: dict[str, Any]) -> Any:
    return {k: _copy(v) if isinstance(v, dict) else v for k, v in nested.items()}


@dataclass(frozen=True)
class GeneratorConfig:
    """Every knob of the generator; identical config + inputs give identical output."""

    seed: int = 0
    min_support: int = 2  # a condition set must hold for at least this many history items
    max_conditions: int = 4
    frequent_share: float = 0.30  # facts held by more of the catalog only appear with another condition
    mixes: dict[str, tuple[float, float, float]] = field(default_factory=lambda: dict(PAPER_MIXES))  # 1, 2, 3-4 conditions
    hidden_relations: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # overrides: domain -> subtype -> mix
    misinformed_relations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # overrides: domain -> relations
    max_bridges: int = 3  # bridges an implicit query may need to pin its hidden entity down
    active_before: int = 3  # a stated wrong entity's first credit is at most this many years after each bridge
    active_after: int = 10  # ... and its last credit at most this many years before it
    first_billed: int = 2  # a hidden person is among the first this-many credits of every bridge
    max_entity_share: float = 0.05  # no hidden entity in more than this share of a subtype's samples
    min_prior_history: int = 5  # condition samples need this many history items before their ground truth
    per_user: int = 1  # condition samples per user and subtype
    robustness_pairs: int = 300  # paired explicit / implicit / misinformed requests per domain (0: none)
    max_ground_truth: int = 30
    max_partners: int = 24  # facts considered when growing sets around one informative fact
    max_nodes_per_level: int = 40  # condition sets visited per user and level (a seeded sample beyond)
    candidates_per_class: int = 24  # closed sets kept per user and size class for sampling
    interest_window: int = 4  # items "consumed consecutively" = within this many consecutive positions
    interest_max_items: int = 3  # seed items a query names (1-3)
    interest_min_users: int = 2
    interest_follow: int = 15  # what "came next": this many positions after the seeds, per user
    interest_max_ground_truth: int = 8
    max_interest: int = 2000
    min_group_size: int = 20
    top_k: int = 10
    per_group: int = 5
    demographics_ground_truth: tuple[int, ...] = (3, 3, 3, 3, 3, 3, 2, 4, 5)  # sizes drawn per query (mostly 3)
    max_demographics: int = 2000
    max_attempts: int = 3  # phrasing attempts before a draft is dropped
    limit_users: int | None = None
    split_shares: tuple[float, float, float] = DEFAULT_SPLIT_SHARES  # train, validation, test: shares of users
    workers: int = 1  # processes for condition mining (1 = in process)

    def mix(self, subtype: str) -> tuple[float, float, float]:
        """Target shares of 1, 2 and 3-4 condition samples for one subtype."""
        return self.mixes.get(subtype, PAPER_MIXES["explicit"])

    def hidden_targets(self, domain: str, subtype: str) -> dict[str, float]:
        """Target mix of hidden relations for implicit/misinformed samples of a domain: this
        config's override, else the domain profile's; a domain with neither may hide any relation
        but genre and the literal ones (uniform targets)."""
        if domain in self.hidden_relations:
            return dict(self.hidden_relations[domain].get(subtype, {}))
        return dict(domain_profile(domain).hidden.get(subtype, {}))

    def misinformable(self, domain: str, relation: str) -> bool:
        """Whether a false attribution may be stated on `relation`: this config's or the profile's
        list (default: the profile's people), else anything but a literal relation (a wrong genre,
        year, country or language would contradict the request's own literal conditions)."""
        listed = self.misinformed_relations.get(domain) or domain_profile(domain).misinformable_relations
        return relation in listed if listed else relation not in LITERAL

    def as_dict(self, domains: Sequence[str] = ()) -> dict[str, object]:
        """The config as plain values (for the dataset card), with the hidden and misinformable
        relations in effect for `domains` (their profiles', unless overridden)."""
        from dataclasses import asdict

        out: dict[str, object] = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        if domains:
            out["hidden_relations"] = {
                d: self.hidden_relations.get(d) or {s: dict(m) for s, m in domain_profile(d).hidden.items()} for d in domains
            }
            out["misinformed_relations"] = {
                d: list(self.misinformed_relations.get(d) or domain_profile(d).misinformable_relations) for d in domains
            }
        return out


@dataclass
class GeneratorInputs:
    """One domain's inputs: catalog + KG, time-ordered histories, optional demographics."""

    domain: str
    catalog: Catalog
    kg: KG
    histories: Mapping[str, Sequence[str]]
    users: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    people: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # person -> {"gender": ...}

    def user_ids(self, limit: int | None = None) -> list[str]:
        """Users with a history, in a stable order (numeric ids numerically), cut to `limit`."""
        ids = sorted(self.histories, key=_user_order)
        return ids[:limit] if limit is not None else ids


def _user_order(user_id: str) -> tuple[int, int, str]:
    return (0, int(user_id), "") if user_id.isdigit() else (1, 0, user_id)
