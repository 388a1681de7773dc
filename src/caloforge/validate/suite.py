"""The whole evaluation: metrics, plots, ``metrics.json`` and the HTML report in one call.

Output directory layout: ``metrics.json`` (finite numbers or null), ``report.html``
(self-contained) and ``plots/*.png``.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import matplotlib
import mplhep
import numpy as np
import skimage
import sklearn
import torch

from caloforge._version import __version__
from caloforge.atomic import write_text_atomic
from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.report import plots
from caloforge.report.html import write_report
from caloforge.validate.checks import check_energies, check_fits, default_threshold
from caloforge.validate.metrics import Evaluation, compute_metrics
from caloforge.validate.verdicts import all_verdicts

HEADLINE_FEATURES = ("E_ratio", "E_tot", "N_hits", "sparsity", "CoG_x", "CoG_y", "CoG_z",
                     "voxel_spectrum")
LAYER_FAMILIES = ("E_layer", "ECx", "ECy", "ECr", "Wx", "Wy", "Wr")
N_ENERGY_BINS = 3  # average images also in terciles of the reference incident energy


def json_ready(value: Any) -> Any:
    """Recursively convert numpy scalars to Python and non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def make_figures(ev: Evaluation, ref: Showers, gen: Showers, geometry: Geometry,
                 threshold: float) -> dict[str, bytes]:
    """All report plots as PNG bytes, keyed ``section_name`` (see ``report.html``)."""
    figs: dict[str, bytes] = {}
    n_r, n_g = len(ref), len(gen)
    for name in HEADLINE_FEATURES:
        if name in ev.comparisons:
            figs[f"features_{name}"] = plots.figure_png(plots.feature_figure(ev.comparisons[name], n_r, n_g))
    figs["layers_separation"] = plots.figure_png(plots.separation_figure(ev.comparisons,
                                                                         LAYER_FAMILIES))
    for family in LAYER_FAMILIES:
        fig = plots.family_figure(family, ev.comparisons, n_r, n_g)
        if fig is not None:
            figs[f"layers_{family}"] = plots.figure_png(fig, tight=False)
    fr, fg = ev.ref_features, ev.gen_features
    figs["profiles_longitudinal"] = plots.figure_png(plots.profile_figure(
        fr.layer_depth, fr.layer_energy, fg.layer_energy, ref.energies, gen.energies))
    s_r = np.where(ref.showers >= threshold, ref.showers, 0)
    s_g = np.where(gen.showers >= threshold, gen.showers, 0)
    figs["images_average"] = plots.figure_png(plots.layer_images_figure(
        geometry.readout, s_r.mean(0), s_g.mean(0), title="(all energies)"), tight=False)
    edges = np.quantile(ref.energies, np.linspace(0, 1, N_ENERGY_BINS + 1))
    edges[-1] *= 1.0001
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        in_r = (ref.energies >= lo) & (ref.energies < hi)
        in_g = (gen.energies >= lo) & (gen.energies < hi)
        if in_r.any() and in_g.any():
            figs[f"images_energy_bin_{k}"] = plots.figure_png(plots.layer_images_figure(
                geometry.readout, s_r[in_r].mean(0), s_g[in_g].mean(0),
                title=f"(E_inc {lo:.3g}-{hi:.3g} MeV)"), tight=False)
    m = ev.metrics
    figs["classifier_auc"] = plots.figure_png(plots.classifier_figure(
        {"low level": m["auc_low"], "high level": m["auc_high"]}))
    return figs


def conditions(ref: Showers, gen: Showers, geometry: Geometry, seed: int, quick: bool,
               threshold: float, files: dict[str, str] | None) -> dict[str, Any]:
    """What the numbers depend on: inputs, sizes, seed, threshold, software versions."""
    return {**(files or {}), "geometry": geometry.name, "n_reference": len(ref),
            "n_generated": len(gen), "seed": seed, "quick": quick, "threshold_MeV": threshold,
            "energy_range_reference_MeV": f"{ref.energies.min():.4g}-{ref.energies.max():.4g}",
            "energy_range_generated_MeV": f"{gen.energies.min():.4g}-{gen.energies.max():.4g}",
            "generator": gen.attrs.get("generator", ""), "caloforge": __version__,
            "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "scikit-learn": sklearn.__version__,
            "scikit-image": skimage.__version__, "matplotlib": matplotlib.__version__,
            "mplhep": mplhep.__version__}


# the names passed to ``evaluate``'s ``step`` callback, in order (progress bars count them)
EVALUATION_STAGES = ("features", "separation", "wasserstein", "classifier", "fpd/kpd", "diversity", "plots",
                     "report")


def evaluate(ref: Showers, gen: Showers, geometry: Geometry, out_dir: str | os.PathLike[str],
             seed: int = 0, quick: bool = False, threshold: float | None = None,
             files: dict[str, str] | None = None,
             extra_sections: Iterable[tuple[str, str]] = (),
             step: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Evaluate ``gen`` against ``ref`` and write metrics.json, report.html and plots/ into
    ``out_dir``. ``threshold``: voxel threshold in MeV (None: ``default_threshold``). Returns the
    metrics dict as written. Raises ``InputError`` for mismatched inputs (see ``checks``)."""
    check_fits(ref, gen, geometry)
    check_energies(ref, gen)
    threshold = default_threshold(geometry) if threshold is None else float(threshold)
    ev = compute_metrics(ref, gen, geometry, seed, quick, threshold, step)
    metrics = ev.metrics
    metrics["verdicts"] = all_verdicts(metrics)
    metrics["conditions"] = conditions(ref, gen, geometry, seed, quick, threshold, files)
    metrics = json_ready(metrics)
    figures = make_figures(ev, ref, gen, geometry, threshold)
    step("plots")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "metrics.json", json.dumps(metrics, indent=1, allow_nan=False) + "\n")
    write_report(out, metrics, figures, extra_sections)
    step("report")
    return metrics
