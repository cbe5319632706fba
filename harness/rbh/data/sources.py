"""Where benchmark rows come from: a local folder (parquet or JSONL per config) or the Hub.

A local folder is laid out exactly like a Hub dataset repo: a README.md whose YAML front matter
lists `configs:` with `data_files`, or, without one, a sub-folder per config holding
`<split>.parquet`, `<split>-*.parquet`, `<split>.jsonl` or `<split>-*.jsonl` files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from rbh.errors import DataError

ROW_SUFFIXES = (".parquet", ".jsonl", ".json")


class RowSource(Protocol):
    """Gives the rows of one (config, split) of a dataset."""

    def configs(self) -> list[str]: ...

    def splits(self, config: str) -> list[str]: ...

    def rows(self, config: str, split: str) -> list[dict[str, Any]]: ...

    def fingerprint(self) -> str: ...


def read_card_configs(readme: Path) -> dict[str, dict[str, list[str]]]:
    """Parse `configs:` from a dataset card: {config: {split: [glob, ...]}}."""
    if not readme.is_file():
        return {}
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    import yaml

    try:
        meta = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"{readme}: invalid YAML front matter: {exc}") from None
    configs: dict[str, dict[str, list[str]]] = {}
    for entry in meta.get("configs") or []:
        name = entry.get("config_name", "default")
        files = entry.get("data_files")
        splits: dict[str, list[str]] = {}
        if isinstance(files, str):
            splits["train"] = [files]
        elif isinstance(files, list):
            for f in files:
                if isinstance(f, str):
                    splits.setdefault("train", []).append(f)
                else:
                    paths = f["path"]
                    splits.setdefault(f["split"], []).extend([paths] if isinstance(paths, str) else paths)
        configs[name] = splits
    return configs


class LocalFolderSource:
    """Rows from a dataset folder on disk, read with pyarrow / json (no `datasets` import)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise DataError(f"dataset folder not found: {self.root}")
        self._layout = self._discover()
        if not self._layout:
            raise DataError(f"{self.root} holds no dataset configs (no README.md configs and no config folders)")

    def _discover(self) -> dict[str, dict[str, list[Path]]]:
        layout: dict[str, dict[str, list[Path]]] = {}
        for config, splits in read_card_configs(self.root / "README.md").items():
            layout[config] = {
                split: sorted(p for pattern in patterns for p in self.root.glob(pattern) if p.is_file())
                for split, patterns in splits.items()
            }
        if layout:
            return layout
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for f in sorted(folder.iterdir()):
                if f.is_file() and f.suffix in ROW_SUFFIXES:
                    split = f.name.split(".")[0].split("-")[0]
                    layout.setdefault(folder.name, {}).setdefault(split, []).append(f)
        return layout

    def configs(self) -> list[str]:
        return sorted(self._layout)

    def splits(self, config: str) -> list[str]:
        return sorted(self._layout.get(config, {}))

    def files(self, config: str, split: str) -> list[Path]:
        try:
            files = self._layout[config][split]
        except KeyError:
            raise DataError(f"dataset {self.root} has no config {config!r} with split {split!r}") from None
        if not files:
            raise DataError(f"dataset {self.root}: config {config!r} split {split!r} matches no file")
        return files

    def rows(self, config: str, split: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for path in self.files(config, split):
            out.extend(read_rows(path))
        return out

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for config in self.configs():
            for split in self.splits(config):
                for path in self._layout[config][split]:
                    digest.update(path.relative_to(self.root).as_posix().encode())
                    digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Read one parquet or JSONL file into row dicts; a broken line names the file and line."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:  # ParquetFile, not read_table: read_table imports pyarrow.dataset (and pandas), ~0.4 s
            return pq.ParquetFile(path).read().to_pylist()
        except Exception as exc:  # pyarrow raises several exception types for corrupt files
            raise DataError(f"{path}: cannot read parquet: {exc}") from None
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rows.append(parse_json_object(line, f"{path}:{lineno}"))
    return rows


def parse_json_object(line: str, where: str) -> dict[str, Any]:
    """One JSONL line as a mapping; anything else is one DataError naming `where` (file:line)."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: invalid JSON: {exc.msg}") from None
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object per line")
    return row


class HubSource:
    """Rows through `datasets.load_dataset` (a Hub repo id, or a local folder laid out like one)."""

    def __init__(self, repo: str, revision: str | None = None):
        self.repo = repo
        self.revision = revision
        self._fingerprints: dict[tuple[str, str], str] = {}
        self._checked = False

    def check_access(self) -> None:
        """Fail with one clear line when a Hub repo cannot be reached or read.

        Without this, `datasets` quietly falls back to a stale local cache (a private repo without
        a token then looks like a dataset with no configs). Local folders and offline mode skip it.
        """
        if self._checked or Path(self.repo).is_dir():
            return
        import datasets
        from huggingface_hub import HfApi, constants
        from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

        datasets.logging.set_verbosity_error()
        self._checked = True
        if constants.HF_HUB_OFFLINE or datasets.config.HF_DATASETS_OFFLINE:
            return
        try:
            HfApi().repo_info(self.repo, repo_type="dataset", revision=self.revision)
        except RevisionNotFoundError:
            raise DataError(f"hf:{self.repo} has no revision {self.revision!r}") from None
        except (RepositoryNotFoundError, GatedRepoError):
            raise DataError(
                f"hf:{self.repo} was not found on {constants.ENDPOINT} or is not accessible "
                "(a private repo needs HF_TOKEN or `hf auth login`)"
            ) from None
        except HfHubHTTPError as exc:
            status = getattr(getattr(exc, "response", None), "status_code", "?")
            raise DataError(f"the Hub at {constants.ENDPOINT} answered HTTP {status} for hf:{self.repo}") from None
        except Exception:  # connection refused, DNS, timeouts: httpx and OS errors alike
            raise DataError(
                f"cannot reach the Hub at {constants.ENDPOINT} to load hf:{self.repo} (offline? HF_DATASETS_OFFLINE=1 uses the local cache)"
            ) from None

    def configs(self) -> list[str]:
        import datasets

        self.check_access()
        try:
            return sorted(datasets.get_dataset_config_names(self.repo, revision=self.revision))
        except Exception as exc:
            raise DataError(f"cannot list configs of hf:{self.repo}: {_one_line(exc)}") from None

    def splits(self, config: str) -> list[str]:
        import datasets

        try:
            return sorted(datasets.get_dataset_split_names(self.repo, config, revision=self.revision))
        except Exception as exc:
            raise DataError(f"cannot list splits of hf:{self.repo} config {config!r}: {_one_line(exc)}") from None

    def rows(self, config: str, split: str) -> list[dict[str, Any]]:
        import datasets

        self.check_access()
        # a local folder laid out like a repo is re-read every time: `datasets` would otherwise
        # serve a stale cache keyed by the folder name after its files change
        local = Path(self.repo).is_dir()
        fresh = {"download_mode": "force_redownload", "verification_mode": "no_checks"} if local else {}
        try:
            with quiet_datasets():
                ds = datasets.load_dataset(self.repo, config, split=split, revision=self.revision, **fresh)
        except Exception as exc:
            raise DataError(f"cannot load hf:{self.repo} config {config!r} split {split!r}: {_one_line(exc)}") from None
        self._fingerprints[(config, split)] = str(getattr(ds, "_fingerprint", ""))
        return ds.to_list()

    def fingerprint(self) -> str:
        digest = hashlib.sha256(f"{self.repo}@{self.revision}".encode())
        for key in sorted(self._fingerprints):
            digest.update(f"{key}={self._fingerprints[key]}".encode())
        return digest.hexdigest()[:16]


@contextmanager
def quiet_datasets() -> Iterator[None]:
    """`datasets` without its own progress bars ("Generating train split") and warnings: rbh
    shows its own progress (or none, with --no-progress). The caller's setting is restored."""
    import datasets

    enabled = datasets.is_progress_bar_enabled()
    verbosity = datasets.logging.get_verbosity()
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    try:
        yield
    finally:
        datasets.logging.set_verbosity(verbosity)
        if enabled:
            datasets.enable_progress_bars()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
