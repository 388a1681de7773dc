"""Evaluation reports: plots (matplotlib, mplhep style) and a self-contained HTML page."""

from caloforge.report.html import write_report

__all__ = ["write_report"]
