"""Every plot of the evaluation report, from the metrics' intermediate results, as PNG bytes."""

from __future__ import annotations

import numpy as np

from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.report import plots
from caloforge.validate.metrics import Evaluation

HEADLINE_FEATURES = ("E_ratio", "E_tot", "N_hits", "sparsity", "CoG_x", "CoG_y", "CoG_z",
                     "voxel_spectrum")
LAYER_FAMILIES = ("E_layer", "ECx", "ECy", "ECr", "Wx", "Wy", "Wr")
N_ENERGY_BINS = 3  # average images also in terciles of the reference incident energy


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
    by_energy = {f"{k} level": c["by_energy"] for k, c in m["classifier"].items() if c.get("by_energy")}
    if by_energy:
        figs["classifier_auc_by_energy"] = plots.figure_png(plots.auc_by_energy_figure(by_energy))
    if "response" in m:
        figs["profiles_response"] = plots.figure_png(plots.response_figure(m["response"]))
    return figs
