"""Writing a report file for loaded runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rbh.atomic import current_umask
from rbh.view.data import report_data
from rbh.view.page import build_report

if TYPE_CHECKING:
    from rbh.registry import Registry
    from rbh.runner.load import LoadedRun


def write_report(runs: list["LoadedRun"], registry: "Registry", out: Path) -> list[str]:
    """Write the HTML report of `runs` to `out` (atomically); returns the warnings to show."""
    data, warnings = report_data(runs, registry)
    title = "rbh — " + " vs ".join(r.label for r in runs)
    html = build_report(data, title)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return warnings
