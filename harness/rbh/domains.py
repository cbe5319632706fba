"""Domain profiles: what makes a domain (movies, books, music, …) a domain, as data — the words
prompts and queries use, which relations name people, how each relation is phrased, which ones
a query may hide or misattribute, and who asks. Plugins register them (`register_domains`); the
generator, the template phraser, the simulators and the evaluation prompts read them, so a new
domain needs a profile (a YAML file is enough) and no code (docs/generator.md, "Adding a domain").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rbh.errors import ConfigError

# How literal conditions read when a profile does not say ("{e}" is the entity).
GENERIC_DIRECT: dict[str, list[str]] = {
    "release_year": ["from {e}", "released in {e}"],
    "decade": ["from the {e}"],
    "country": ["from {e}"],
    "language": ["in {e}"],
}


@dataclass(frozen=True)
class DomainProfile:
    """One domain. Only `name` is required: every other field has a generic default, so a
    profile states what differs. Phrasing patterns use `{e}` (an entity), `{t}` (bridge titles),
    `{who}` (the hidden entity as a noun phrase)."""

    name: str
    description: str = ""
    item: str = ""  # "album" (default: the name)
    items: str = ""  # "albums" (default: the name + "s")
    consumed: str = "enjoyed"  # past tense: "I listened to X", "The user has listened to ..."
    consume: str = "try"  # present: "What should I listen to next?"
    nouns: tuple[str, ...] = ()  # what queries call the items ("albums", "records"); default (items,)
    year_relation: str = "release_year"
    people: tuple[str, ...] = ()  # relations whose entities are people (first-billed, gender rules)
    hidden: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # subtype -> relation -> target share
    misinformable: tuple[str, ...] = ()  # relations a wrong entity may be stated on (default: people)
    direct: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # relation -> "by {e}" forms
    bridge: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)  # one title / several
    hidden_phrase: Mapping[str, str] = field(default_factory=dict)  # relation -> "produced by {who}"
    did: Mapping[str, str] = field(default_factory=dict)  # relation -> "who produced {t}"
    role: Mapping[str, str] = field(default_factory=dict)  # relation -> "producer"
    aspect_nouns: Mapping[str, str] = field(default_factory=dict)  # how a simulated user names an aspect ("author")
    openers: tuple[tuple[str, str], ...] = ()  # (situation, who it is for: self, pair, group, gift)
    genre_families: Mapping[str, str] = field(default_factory=dict)  # genre -> family (misinformation stays in it)

    def __post_init__(self) -> None:
        if not self.name or not self.name.isidentifier():
            raise ConfigError(f"domain profile: name {self.name!r} must be a word (it names configs such as {self.name}_explicit)")
        shares = [s for mix in self.hidden.values() for s in mix.values()]
        if any(s < 0 for s in shares):
            raise ConfigError(f"domain profile {self.name}: hidden shares must not be negative")

    @property
    def item_word(self) -> str:
        return self.item or self.name

    @property
    def items_word(self) -> str:
        return self.items or f"{self.item_word}s"

    @property
    def query_nouns(self) -> tuple[str, ...]:
        return self.nouns or (self.items_word,)

    @property
    def misinformable_relations(self) -> tuple[str, ...]:
        return self.misinformable or self.people

    def words(self) -> dict[str, str]:
        """What evaluation prompts call things: `item`, `items`, `consumed`, `consume`."""
        return {"item": self.item_word, "items": self.items_word, "consumed": self.consumed, "consume": self.consume}

    def phrasing(self) -> dict[str, Any]:
        """The phrasing tables, as the generator's templates read them (literal relations a
        profile does not phrase get plain defaults)."""
        return {
            "direct": {**GENERIC_DIRECT, **{k: list(v) for k, v in self.direct.items()}},
            "bridge": {k: [list(one), list(many)] for k, (one, many) in self.bridge.items()},
            "hidden": dict(self.hidden_phrase),
            "did": dict(self.did),
            "role": dict(self.role),
            "openers": [list(o) for o in self.openers],
            **self.words(),
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "domain profile") -> "DomainProfile":
        """A profile from plain data (a YAML file's mapping); unknown keys are one clear error."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        try:
            values = dict(data)
            for key in ("nouns", "people", "misinformable"):
                if key in values:
                    values[key] = tuple(values[key])
            if "openers" in values:
                values["openers"] = tuple((str(text), str(kind)) for text, kind in values["openers"])
            if "direct" in values:
                values["direct"] = {k: tuple(v) for k, v in values["direct"].items()}
            if "bridge" in values:
                values["bridge"] = {k: (tuple(v[0]), tuple(v[1] if len(v) > 1 else v[0])) for k, v in values["bridge"].items()}
            return cls(**values)
        except (TypeError, ValueError, IndexError) as exc:
            raise ConfigError(f"{where}: {exc}") from None

    @classmethod
    def from_yaml(cls, path: Path) -> "DomainProfile":
        import yaml

        from rbh.tasks.yaml_files import YAML_LOADER

        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=YAML_LOADER)
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read the domain profile: {exc}") from None
        if not isinstance(data, Mapping):
            raise ConfigError(f"{path}: a domain profile is a mapping (name, items, direct, …)")
        return cls.from_mapping(data, str(path))


def domain_profile(name: str) -> DomainProfile:
    """The registered profile of a domain, or a generic one (the name as its noun, generic
    phrasing) when no plugin registers it."""
    from rbh.registry import get_registry

    entry = get_registry().domains().get(name)
    return entry.obj if entry is not None else DomainProfile(name)
