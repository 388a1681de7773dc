"""One page comparing several generators against the same reference: the headline metrics side
by side (with verdict colours), the response and resolution of every model on one plot, and a
link to each model's full report."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mplhep as hep  # noqa: E402
import numpy as np  # noqa: E402

from caloforge.atomic import write_text_atomic  # noqa: E402
from caloforge.report.html import COLOURS, CSS, _fmt, _img  # noqa: E402
from caloforge.report.plots import REF, figure_png  # noqa: E402

HEADLINE = (("auc_low", "classifier AUC, low level"), ("auc_high", "classifier AUC, high level"),
            ("jsd_low", "classifier JSD, low level"), ("jsd_high", "classifier JSD, high level"),
            ("fpd", "FPD"), ("kpd", "KPD"))


def _cell(value: Any, verdict: str | None) -> str:
    style = f' style="background:{COLOURS[verdict]}"' if verdict in COLOURS else ""
    return f"<td{style}>{_fmt(value)}</td>"


def comparison_table(models: Mapping[str, Mapping[str, Any]]) -> str:
    """Rows: headline metrics; columns: models (each cell coloured by its verdict)."""
    head = "".join(f'<th><a href="{html.escape(name)}/report.html">{html.escape(name)}</a></th>' for name in models)
    rows = []
    for key, label in HEADLINE:
        cells = "".join(_cell(m.get(key), m.get("verdicts", {}).get(key)) for m in models.values())
        rows.append(f"<tr><td>{label}</td>{cells}</tr>")
    flagged = "".join(f"<td>{len(m.get('flagged_features', []))}</td>" for m in models.values())
    rows.append(f"<tr><td>flagged features</td>{flagged}</tr>")
    generators = "".join(f"<td>{html.escape(str(m.get('conditions', {}).get('generator', '')))}</td>"
                         for m in models.values())
    rows.append(f"<tr><td>generator (file attribute)</td>{generators}</tr>")
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(rows)}</table>"


def response_overlay(models: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Response and resolution against E_inc of the reference and every model, on one figure."""
    with plt.style.context(hep.style.ROOT):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        first = next(iter(models.values()))["response"]["reference"]
        tables = [("reference", first, REF)] + [(name, m["response"]["generated"], {"label": name})
                                                for name, m in models.items()]
        for _, table, style in tables:
            e = np.asarray(table["e_inc_mev"], dtype=float) / 1e3
            axes[0].errorbar(e, np.asarray(table["response"], dtype=float),
                             yerr=np.asarray(table["response_err"], dtype=float), fmt="o", ms=4, capsize=2, **style)
            axes[1].errorbar(e, 100 * np.asarray(table["resolution"], dtype=float),
                             yerr=100 * np.asarray(table["resolution_err"], dtype=float), fmt="o", ms=4, capsize=2,
                             **style)
        axes[0].set_ylabel(r"response $\langle E_\mathrm{vis}/E_\mathrm{inc}\rangle$", fontsize=12)
        axes[1].set_ylabel(r"resolution $\sigma/\mu$ [%]", fontsize=12)
        for ax in axes:
            ax.set_xscale("log")
            ax.set_xlabel(r"$E_\mathrm{inc}$ [GeV]", fontsize=13)
        axes[0].legend(fontsize=10)
        fig.tight_layout()
        return figure_png(fig)


def write_comparison(out_dir: str | os.PathLike[str], models: Mapping[str, Mapping[str, Any]],
                     reference: str) -> Path:
    """``report.html`` in ``out_dir`` comparing the models (their reports are in sub-folders;
    JSON-ready metrics, so missing numbers are None and are plotted as gaps)."""
    target = Path(out_dir) / "report.html"
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>CaloForge comparison</title>"
             f"<style>{CSS}</style></head><body><h1>CaloForge: {len(models)} generators against "
             f"{html.escape(reference)}</h1>", comparison_table(models)]
    if all("response" in m for m in models.values()):
        parts += ["<h2>Response and resolution</h2>", _img(response_overlay(models), "response", True)]
    parts.append("<p>Each model's name links to its full report (features, layers, images, classifier).</p>"
                 "</body></html>")
    write_text_atomic(target, "\n".join(parts))
    return target
