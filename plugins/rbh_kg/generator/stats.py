"""Counts of a generation: samples per subtype × number of conditions, rejected phrasings and
drafts per rule, dropped drafts, and per-subtype statistics (condition-count mix, hidden-relation
mix, ground-truth sizes, words per query, distinct queries) beside the paper's figures. Rendered
as the CLI tables and the dataset card's statistics."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rbh import Sample

if TYPE_CHECKING:
    from rbh_kg.generator.validity import ConfigValidity

CONDITION_COLUMNS = ("1", "2", "3", "4")


@dataclass
class GenerationStats:
    samples: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # (domain, subtype, n_conditions)
    drafts: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (domain, subtype, rule)
    dropped: Counter[tuple[str, str]] = field(default_factory=Counter)
    hidden: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (domain, subtype, hidden relation)
    truth_sizes: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    words: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    queries: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    validity: dict[tuple[str, str], "ConfigValidity"] = field(default_factory=dict)  # (domain, config subtype)

    def validity_of(self, domain: str, subtype: str) -> "ConfigValidity":
        """The validity counts of one config (created on first use)."""
        from rbh_kg.generator.validity import ConfigValidity

        return self.validity.setdefault((domain, subtype), ConfigValidity())

    def validity_rows(self) -> list[list[str]]:
        """Per config and rule: samples passing / checked, and the share (docs/generator.md)."""
        from rbh_kg.generator.validity import RULES

        rows = []
        for (domain, subtype), v in sorted(self.validity.items(), key=lambda kv: self._order(kv[0])):
            for rule in RULES:
                if v.checked[rule]:
                    rows.append([domain, subtype, rule, f"{v.passed[rule]}/{v.checked[rule]}", f"{v.share(rule):.3f}"])
        return rows

    def answer_rows(self) -> list[list[str]]:
        """Per config: the median share of the request's valid catalog answers the ground truth
        holds, the share of samples another sample asks identically with another ground truth, and
        the most hidden entity with its share."""
        from rbh_kg.generator.validity import coverage_text

        rows = []
        for (domain, subtype), v in sorted(self.validity.items(), key=lambda kv: self._order(kv[0])):
            shared = v.shared_condition_share()
            top = v.top_hidden_entity()
            rows.append(
                [
                    domain,
                    subtype,
                    coverage_text(v.coverage),
                    "–" if shared != shared else f"{shared:.2f}",
                    f"{top[0]} ({top[1]:.0%})" if top else "–",
                ]
            )
        return rows

    VALIDITY_COLUMNS = ("domain", "subtype", "rule", "passed", "share")
    ANSWER_COLUMNS = ("domain", "subtype", "truth coverage", "same conditions, other truth", "top hidden entity")

    def add_samples(self, samples: list[Sample]) -> None:
        for s in samples:
            key = (s.domain, s.subtype)
            self.samples[(s.domain, s.subtype, s.n_conditions)] += 1
            if s.bridges:
                self.hidden[(s.domain, s.subtype, s.bridges[0].relation)] += 1
            self.truth_sizes.setdefault(key, []).append(len(s.ground_truth))
            self.words.setdefault(key, []).append(len(s.query.split()))
            self.queries.setdefault(key, set()).add(s.query)

    def summary_columns(self) -> list[str]:
        """Columns of `summary_rows`."""
        return ["domain", "subtype", "source", "samples", "conditions 1/2/3-4", "hidden relation", "ground truth", "words", "distinct"]

    def summary_rows(self) -> list[list[str]]:
        """Per (domain, subtype): this generation's statistics, then the paper's where it reports them."""
        rows = []
        for domain, subtype in self.keys():
            rows.append([domain, subtype, "generated", *self._summary(domain, subtype)])
            paper = PAPER_FIGURES.get((domain, subtype))
            if paper:
                rows.append([domain, subtype, "paper", *paper])
        return rows

    def summary_markdown(self) -> list[str]:
        """The summary as markdown table lines (the dataset card's statistics section)."""
        lines = ["| " + " | ".join(self.summary_columns()) + " |", "|" + "---|" * len(self.summary_columns())]
        return lines + ["| " + " | ".join(row) + " |" for row in self.summary_rows()]

    def _summary(self, domain: str, subtype: str) -> list[str]:
        key = (domain, subtype)
        total = self.total(domain, subtype)
        by_n = [self.samples.get((domain, subtype, n), 0) for n in (1, 2)]
        by_n.append(sum(self.samples.get((domain, subtype, n), 0) for n in range(3, 9)))
        mix = " / ".join(f"{100 * n / total:.0f}%" for n in by_n) if total and any(by_n) else "–"
        hidden = Counter({r: n for (d, s, r), n in self.hidden.items() if (d, s) == key})
        hidden_total = sum(hidden.values())
        hidden_text = ", ".join(f"{r} {100 * n / hidden_total:.0f}%" for r, n in hidden.most_common(4)) if hidden_total else "–"
        sizes, words = self.truth_sizes.get(key, []), self.words.get(key, [])
        size_text = f"mean {statistics.mean(sizes):.1f} ({min(sizes)}–{max(sizes)})" if sizes else "–"
        words_text = f"median {statistics.median(words):g}" if words else "–"
        distinct = f"{100 * len(self.queries.get(key, ())) / total:.1f}%" if total else "–"
        return [str(total), mix, hidden_text, size_text, words_text, distinct]

    def total(self, domain: str, subtype: str) -> int:
        return sum(n for (d, s, _), n in self.samples.items() if d == domain and s == subtype)

    def keys(self) -> list[tuple[str, str]]:
        found = {(d, s) for d, s, _ in self.samples} | set(self.drafts)
        return sorted(found, key=self._order)

    @staticmethod
    def _order(key: tuple[str, str]) -> tuple[str, int, str]:
        from rbh.data import SUBTYPES

        return (key[0], SUBTYPES.index(key[1]) if key[1] in SUBTYPES else 99, key[1])

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


# The paper's figures (RecBench+ release; words per query from the official requests in
# shared/data; "–" where the paper does not report one).
PAPER_FIGURES: dict[tuple[str, str], list[str]] = {
    ("movie", "explicit"): ["4997", "45% / 47% / 9%", "–", "–", "median 37", "–"],
    ("movie", "implicit"): ["3649", "48% / 43% / 9%", "starring ≈68%, then directors and other credits", "–", "median 50", "–"],
    ("movie", "misinformed"): ["3239", "42% / 48% / 11%", "starring ≈68%, then directors and other credits", "–", "median 43", "–"],
    ("movie", "interest"): ["7365", "–", "–", "–", "–", "–"],
    ("movie", "demographics"): ["279", "–", "–", "mean 3.0 (260 of 279 exactly 3)", "–", "–"],
    ("book", "explicit"): ["5135", "–", "–", "–", "–", "–"],
    ("book", "implicit"): ["3910", "–", "written_by 94–97%", "–", "–", "–"],
    ("book", "misinformed"): ["3916", "–", "written_by 94–97%", "–", "–", "–"],
    ("book", "interest"): ["2004", "–", "–", "–", "–", "–"],
}
