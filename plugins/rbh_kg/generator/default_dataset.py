"""`rbh-default`: the generator's output on the shipped curated KGs and simulated users, built on
first use with the template phraser and cached in the user cache dir under a fingerprint of
everything it depends on (the shipped data, the user simulator, the generator and its templates),
so it is rebuilt when any of them changes and never otherwise."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from rbh_kg.generator.config import GENERATOR_VERSION

NAME = "rbh-default"
DESCRIPTION = "RecBench+-style benchmark generated from the KGs and simulated users rbh ships (built on first use, offline)"
_PLUGIN_DIR = Path(__file__).resolve().parent.parent


def _inputs_files() -> list[Path]:
    from rbh import shipped_dir

    files = sorted(p for p in (_PLUGIN_DIR / "data").rglob("*") if p.is_file())
    files += sorted(p for p in _PLUGIN_DIR.glob("*.py") if p.name in ("curated.py", "users.py", "user_tastes.py"))
    files += sorted((_PLUGIN_DIR / "generator").rglob("*.py"))
    files += sorted((_PLUGIN_DIR / "domains").glob("*.yaml"))
    files += sorted(p for p in (shipped_dir("templates") / "generator").rglob("*") if p.is_file())
    return files


def fingerprint() -> str:
    """Hash of the generator version and every file the default dataset is built from."""
    digest = hashlib.sha256(f"{NAME}:{GENERATOR_VERSION}".encode())
    for path in _inputs_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_dataset_path(progress: bool | None = None) -> str:
    """The folder of `rbh-default`, built first if this fingerprint has no cached copy."""
    from rbh import cache_dir

    root = cache_dir() / "datasets"
    folder = root / f"{NAME}-{fingerprint()}"
    if (folder / "README.md").is_file():
        return str(folder)
    root.mkdir(parents=True, exist_ok=True)
    build_default_dataset(folder, progress=sys.stderr.isatty() if progress is None else progress)
    for old in root.glob(f"{NAME}-*"):
        if old != folder and old.is_dir() and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return str(folder)


def build_default_dataset(folder: Path, progress: bool = False) -> Path:
    """Generate both domains into `folder` (atomic: another process may be building it too)."""
    from rbh_kg.generator import GeneratorConfig, generate_benchmark
    from rbh_kg.generator.inputs import default_inputs

    print(f"building the {NAME} dataset (first use; cached afterwards)...", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        config = GeneratorConfig(workers=min(2, os.cpu_count() or 1))
        generate_benchmark(
            [default_inputs(d) for d in ("movie", "book")],
            tmp / "out",
            config,
            "template",
            progress=progress,
            title="rbh-default (RecBench+-style, generated from rbh's shipped data)",
        )
        try:
            os.rename(tmp / "out", folder)
        except OSError:
            if not (folder / "README.md").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
