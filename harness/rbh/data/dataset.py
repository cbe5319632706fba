"""A benchmark dataset = samples (one config per domain_subtype) + catalog + KG per domain."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from rbh.data.catalog import Catalog
from rbh.data.kg import KG
from rbh.data.sample import Sample
from rbh.data.sources import HubSource, LocalFolderSource, RowSource
from rbh.errors import DataError

HF_PREFIX = "hf:"


class BenchmarkDataset:
    """Lazy access to the samples, catalogs and KGs of one dataset."""

    def __init__(self, source: RowSource, name: str):
        self.source = source
        self.name = name
        self._catalogs: dict[str, Catalog] = {}
        self._kgs: dict[str, KG] = {}
        self._samples: dict[tuple[str, str], list[Sample]] = {}

    def configs(self) -> list[str]:
        return self.source.configs()

    def samples(self, config: str, split: str = "test") -> list[Sample]:
        key = (config, split)
        if key not in self._samples:
            rows = self.source.rows(config, split)
            try:
                self._samples[key] = [Sample.from_dict(r) for r in rows]
            except ValueError as exc:
                raise DataError(f"dataset {self.name}, config {config}: {exc}") from None
        return self._samples[key]

    def catalog(self, domain: str) -> Catalog:
        if domain not in self._catalogs:
            rows = self._reference_rows(f"{domain}_items")
            try:
                self._catalogs[domain] = Catalog.from_rows(rows, domain=domain)
            except (KeyError, ValueError) as exc:
                raise DataError(f"dataset {self.name}: bad {domain}_items table: {exc}") from None
        return self._catalogs[domain]

    def kg(self, domain: str) -> KG:
        if domain not in self._kgs:
            config = f"{domain}_kg"
            rows = self._reference_rows(config) if config in self.configs() else []
            try:
                self._kgs[domain] = KG.from_rows(rows)
            except KeyError as exc:
                raise DataError(f"dataset {self.name}: bad {config} table, missing column {exc}") from None
        return self._kgs[domain]

    def _reference_rows(self, config: str) -> list[dict[str, Any]]:
        """Rows of an items/KG config, whatever its single split is called."""
        if config not in self.configs():
            raise DataError(f"dataset {self.name} has no {config!r} config")
        splits = self.source.splits(config)
        split = next((s for s in ("train", "test") if s in splits), splits[0] if splits else "train")
        return self.source.rows(config, split)

    @cached_property
    def fingerprint(self) -> str:
        return self.source.fingerprint()


def load_dataset(spec: str) -> BenchmarkDataset:
    """Open a dataset from `hf:ORG/NAME[@revision]` or a local folder path."""
    if spec.startswith(HF_PREFIX):
        repo, _, revision = spec[len(HF_PREFIX) :].partition("@")
        if not repo:
            raise DataError("empty dataset name after 'hf:'")
        return BenchmarkDataset(HubSource(repo, revision or None), name=spec)
    path = Path(spec).expanduser()
    if not path.exists():
        raise DataError(f"dataset not found: {spec!r} (not a registered dataset, an hf: name, or a folder)")
    return BenchmarkDataset(LocalFolderSource(path), name=str(path))
