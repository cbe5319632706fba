"""Loading generator inputs: the shipped curated KGs with simulated users, or user files
(a KG as triples, a TML1M movies.csv or curated JSONL; items; interactions; users)."""

from __future__ import annotations

from pathlib import Path

from rbh import KG, Catalog, UsageError
from rbh_kg.generator.config import GeneratorInputs


def default_inputs(domain: str) -> GeneratorInputs:
    """The curated KG of `domain` and its seeded simulated users (what rbh ships)."""
    from rbh_kg.curated import load_curated, load_people
    from rbh_kg.users import default_users

    catalog, kg = load_curated(domain)
    users, interactions = default_users(domain)
    return GeneratorInputs(domain, catalog, kg, interactions.restrict(catalog.items).histories(), users.groups(), load_people())


def load_catalog_kg(domain: str, kg_path: Path, items_path: Path | None) -> tuple[Catalog, KG]:
    """A TML1M movies.csv, a curated JSONL file or folder, or a triples table plus `--items`."""
    from rbh.data import read_table

    if kg_path.is_dir() or _looks_curated(kg_path):
        from rbh_kg.curated import load_curated

        root = kg_path if kg_path.is_dir() else kg_path.parent
        if (root / domain).is_dir():
            return tuple(load_curated(domain, root))  # type: ignore[return-value]
        return tuple(load_curated(domain, root.parent))  # type: ignore[return-value]
    if kg_path.suffix.lower() == ".csv" and _csv_header(kg_path) >= {"Url", "Director", "Cast"}:
        from rbh_kg.tml1m import load_tml1m

        return tuple(load_tml1m(kg_path))  # type: ignore[return-value]
    if items_path is None:
        raise UsageError(f"--kg {kg_path} is a triples table: --items (id, title, year, aliases) is needed too")
    try:
        kg = KG.from_rows(read_table(kg_path))
        catalog = Catalog.from_rows(read_table(items_path), domain=domain)
    except (KeyError, ValueError) as exc:
        raise UsageError(f"cannot read --kg/--items: {exc}") from None
    return catalog, kg


def load_inputs(
    domain: str,
    kg_path: Path,
    items_path: Path | None,
    interactions_path: Path,
    users_path: Path | None,
    people_path: Path | None = None,
) -> GeneratorInputs:
    """Inputs from files; interactions with items outside the catalog are ignored."""
    from rbh.data import load_users
    from rbh_kg.ratings import load_ratings

    catalog, kg = load_catalog_kg(domain, kg_path, items_path)
    histories = load_ratings(interactions_path).restrict(catalog.items).histories()
    users = load_users(users_path).groups() if users_path else {}
    return GeneratorInputs(domain, catalog, kg, histories, users, load_people_table(people_path) if people_path else {})


def load_people_table(path: Path) -> dict[str, dict[str, str]]:
    """`--people`: a `name<TAB>gender` file like the shipped `people.tsv`, or a CSV/JSONL/parquet
    table with `name` and `gender` columns (gender: female, male or unknown)."""
    from rbh.data import read_table
    from rbh_kg.curated import GENDERS, load_people

    if path.suffix.lower() == ".tsv":
        return load_people(path)
    try:
        people = {str(r["name"]): {"gender": str(r["gender"]).strip().lower()} for r in read_table(path)}
    except KeyError as exc:
        raise UsageError(f"--people {path}: needs 'name' and 'gender' columns (missing {exc})") from None
    bad = sorted({p["gender"] for p in people.values()} - set(GENDERS))
    if bad:
        raise UsageError(f"--people {path}: unknown gender {bad[0]!r} (use {', '.join(GENDERS)})")
    return people


def _csv_header(path: Path) -> set[str]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return set(next(csv.reader(fh), []))


def _looks_curated(path: Path) -> bool:
    if path.suffix.lower() != ".jsonl":
        return False
    import json

    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and "title" in row and "item_id" not in row
