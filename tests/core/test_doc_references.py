"""The repository explains itself: every document and design section it cites is in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".jinja", ".j2", ".html", ".js", ".css", ".txt", ".cfg"}
SECTION_REF = re.compile(r"docs/design\.md §(\d+(?:\.\d+)*)")
DOC_REF = re.compile(r"\bdocs/([\w-]+\.(?:md|png))")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    return [REPO / n for n in names if Path(n).suffix in TEXT_SUFFIXES and (REPO / n).is_file()]


def design_sections() -> set[str]:
    """Section numbers of docs/design.md: '## 8. Scoring' gives 8, '### 8.2 Title resolution' 8.2."""
    text = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^#{2,3} (\d+(?:\.\d+)*)\.? ", text, re.M)}


def references(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(file:line, the referenced name) of every match in the tracked text files."""
    found = []
    for path in tracked_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            found.extend((f"{path.relative_to(REPO)}:{number}", m.group(1)) for m in pattern.finditer(line))
    return found


def test_every_design_section_reference_resolves() -> None:
    sections = design_sections()
    assert {"3", "8.2", "9.7", "12"} <= sections, "the section parser reads the document's numbering"
    refs = references(SECTION_REF)
    assert len(refs) > 40, "code and docs cite the design by section"
    broken = [f"{where}: §{section}" for where, section in refs if section not in sections]
    assert not broken, f"references to sections docs/design.md lacks: {broken}"


def test_the_design_is_cited_by_its_path_only() -> None:
    """A reference to a design document outside the repository cannot be followed by a reader."""
    stale = [where for where, _ in references(re.compile(r"(DESIGN(?:\.md)? §)"))]
    assert not stale, f"cite docs/design.md §N instead: {stale}"


def test_every_cited_document_exists() -> None:
    missing = sorted({f"{where}: docs/{name}" for where, name in references(DOC_REF) if not (REPO / "docs" / name).exists()})
    assert not missing, f"documents cited but absent: {missing}"


def test_the_documented_task_count_is_the_shipped_one() -> None:
    """docs/tasks.md says how many tasks rbh ships (it once said 40 when there were 48)."""
    from rbh.paths import shipped_dir
    from rbh.tasks.index import load_task_index

    stated = re.search(r"rbh ships (\d+) tasks", (REPO / "docs" / "tasks.md").read_text(encoding="utf-8"))
    assert stated is not None
    assert int(stated.group(1)) == len(load_task_index([(shipped_dir("tasks"), None)]).tasks)
