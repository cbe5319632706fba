"""`rbh view`: one self-contained HTML report of one or more runs (data, scripts and styles inlined)."""

from rbh.view.page import build_report

__all__ = ["build_report"]
