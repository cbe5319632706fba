"""Assembling the report: the HTML shell with the styles, the vendored Chart.js, the report
script and the data inlined, so the file works from `file://` with no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
VENDOR = ("chart.umd.min.js", "chartjs-chart-error-bars.umd.min.js")


def _asset(name: str) -> str:
    return (HERE / "assets" / name).read_text(encoding="utf-8")


def _script(text: str) -> str:
    """A script body that cannot end its <script> element early."""
    return text.replace("</script", "<\\/script")


def build_report(data: dict[str, Any], title: str) -> str:
    """The report page for a payload from `rbh.view.data.report_data`."""
    from html import escape

    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    vendor = "\n".join(f"<script>{_script((HERE / 'vendor' / name).read_text(encoding='utf-8'))}</script>" for name in VENDOR)
    return (
        _asset("report.html")
        .replace("{{title}}", escape(title))
        .replace("{{style}}", _asset("report.css"))
        .replace("{{vendor}}", vendor)
        .replace("{{data}}", payload)
        .replace("{{script}}", _script(_asset("report.js")))
    )
