"""The generator-in-the-loop study of ``caloforge physics in-the-loop`` as a report section
(``caloforge evaluate --physics``): its table and plots, from OUT/physics.json and OUT/plots/.
Every problem is an ``InputError`` (one-line message, exit 2)."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from caloforge.errors import InputError
from caloforge.io.json_input import read_json_input
from caloforge.report.html import _img
from caloforge.tasks.in_the_loop import ARM_TITLES, summary_rows

TITLE = "Physics in the loop: e/p separation, energy regression, anomaly score"
PLOTS = ("in_the_loop_rejection", "in_the_loop_roc", "in_the_loop_scores", "in_the_loop_resolution",
         "in_the_loop_anomaly")


def physics_json_path(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if p.is_dir():
        p = p / "physics.json"
    if not p.is_file():
        raise InputError(f"{p}: no physics.json (run caloforge physics in-the-loop first)")
    return p


def load_physics(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A physics.json (or the folder holding it), checked."""
    p = physics_json_path(path)
    result: Any = read_json_input(p)
    if not isinstance(result, dict) or not ({"ep_separation", "energy_regression", "anomaly"} & set(result)):
        raise InputError(f"{p}: not a physics.json written by caloforge physics in-the-loop")
    result["_folder"] = str(p.parent)
    return result


def physics_section(result: dict[str, Any]) -> tuple[str, str]:
    """(title, html) of the in-the-loop table and its plots."""
    try:
        rows = summary_rows(result)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(f"malformed physics.json ({exc!r})") from None
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ("figure", *ARM_TITLES))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    text = (f"Generator {result.get('generator', '?')} ({result.get('model', '?')}): every tool trained on Monte "
            "Carlo and measured on Monte Carlo (the reference), trained on Monte Carlo and measured on generated "
            "showers, and trained on generated showers and measured on Monte Carlo; rejections with 68 % "
            "Clopper-Pearson intervals.")
    plots = Path(result.get("_folder", "."), "plots")
    images = "".join(_img((plots / f"{name}.png").read_bytes(), name, False) for name in PLOTS
                     if (plots / f"{name}.png").is_file())
    return TITLE, f"<p>{html.escape(text)}</p><table><tr>{head}</tr>{body}</table>{images}"
