"""Parameters and inputs of the `kg` generator (DESIGN §9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rbh import KG, Catalog

GENERATOR_NAME = "rbh-kg-generator"
GENERATOR_VERSION = "1.0"
SOURCE = f"{GENERATOR_NAME} {GENERATOR_VERSION}"


@dataclass(frozen=True)
class GeneratorConfig:
    """Every knob of the generator; identical config + inputs give identical output."""

    seed: int = 0
    min_support: int = 2  # a condition set must hold for at least this many history items
    max_conditions: int = 4
    frequent_share: float = 0.30  # facts held by more of the catalog only appear with another condition
    mix: tuple[float, float, float] = (0.45, 0.47, 0.08)  # share of 1, 2 and 3-4 condition samples
    per_user: int = 1  # condition samples per user and subtype
    max_ground_truth: int = 30
    max_partners: int = 24  # facts considered when growing sets around one informative fact
    max_nodes_per_level: int = 40  # condition sets visited per user and level (a seeded sample beyond)
    candidates_per_class: int = 12  # closed sets kept per user and size class for sampling
    interest_window: int = 4  # items "consumed consecutively" = within this many consecutive positions
    interest_max_items: int = 3
    interest_min_users: int = 2
    max_interest: int = 2000
    min_group_size: int = 20
    top_k: int = 10
    per_group: int = 5
    max_demographics: int = 2000
    max_attempts: int = 3  # phrasing attempts before a draft is dropped
    limit_users: int | None = None
    workers: int = 1  # processes for condition mining (1 = in process)

    def as_dict(self) -> dict[str, object]:
        """The config as plain values (for the dataset card)."""
        from dataclasses import asdict

        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass
class GeneratorInputs:
    """One domain's inputs: catalog + KG, time-ordered histories, optional demographics."""

    domain: str
    catalog: Catalog
    kg: KG
    histories: Mapping[str, Sequence[str]]
    users: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def user_ids(self, limit: int | None = None) -> list[str]:
        """Users with a history, in a stable order (numeric ids numerically), cut to `limit`."""
        ids = sorted(self.histories, key=_user_order)
        return ids[:limit] if limit is not None else ids


def _user_order(user_id: str) -> tuple[int, int, str]:
    return (0, int(user_id), "") if user_id.isdigit() else (1, 0, user_id)
