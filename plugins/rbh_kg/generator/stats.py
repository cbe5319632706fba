"""Counts of a generation: samples per subtype × number of conditions, rejected phrasings per
rule, dropped drafts. Rendered as the CLI table and the dataset card's statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rbh import Sample

CONDITION_COLUMNS = ("1", "2", "3", "4")


@dataclass
class GenerationStats:
    samples: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # (domain, subtype, n_conditions)
    drafts: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (domain, subtype, rule)
    dropped: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add_samples(self, samples: list[Sample]) -> None:
        for s in samples:
            self.samples[(s.domain, s.subtype, s.n_conditions)] += 1

    def total(self, domain: str, subtype: str) -> int:
        return sum(n for (d, s, _), n in self.samples.items() if d == domain and s == subtype)

    def keys(self) -> list[tuple[str, str]]:
        found = {(d, s) for d, s, _ in self.samples} | set(self.drafts)
        from rbh.data import SUBTYPES

        return sorted(found, key=lambda k: (k[0], SUBTYPES.index(k[1]) if k[1] in SUBTYPES else 99, k[1]))

    def columns(self) -> list[str]:
        return ["domain", "subtype", *(f"{c} cond." for c in CONDITION_COLUMNS), "samples", "rejected", "dropped"]

    def rows(self) -> list[list[str]]:
        """One row per (domain, subtype): samples by number of conditions ('–' for profile subtypes)."""
        out = []
        for domain, subtype in self.keys():
            by_n = [self.samples.get((domain, subtype, int(c)), 0) for c in CONDITION_COLUMNS]
            profile = self.samples.get((domain, subtype, 0), 0)
            cells = ["–"] * 4 if profile and not any(by_n) else [str(n) for n in by_n]
            rejected = sum(n for (d, s, _), n in self.rejected.items() if (d, s) == (domain, subtype))
            out.append([domain, subtype, *cells, str(self.total(domain, subtype)), str(rejected), str(self.dropped[(domain, subtype)])])
        return out

    def reject_rows(self) -> list[list[str]]:
        return [[d, s, rule, str(n)] for (d, s, rule), n in sorted(self.rejected.items())]
