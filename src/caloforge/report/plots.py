"""Evaluation plots, reference vs generated, in mplhep (ROOT) style with ratio panels.

Every function returns a matplotlib Figure; ``figure_png`` turns it into PNG bytes. Energies in
MeV, lengths in mm, depth in X0. The Agg backend is used so no display is needed.
"""

from __future__ import annotations

import io
import logging

import matplotlib

matplotlib.use("Agg")
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # style font fallbacks
import matplotlib.pyplot as plt  # noqa: E402
import mplhep as hep  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from caloforge.geometry.binning import Readout  # noqa: E402
from caloforge.validate.separation import Comparison  # noqa: E402

STYLE = hep.style.ROOT  # single-feature plots
GRID_STYLE = "default"  # many-panel grids: ROOT-style minor ticks make them slow to draw
REF = {"color": "black", "label": "reference"}
GEN = {"color": "tab:red", "label": "generated"}
LABELS = {"E_ratio": r"$E_\mathrm{vis}/E_\mathrm{inc}$", "E_tot": r"$E_\mathrm{vis}$ [MeV]",
          "N_hits": "hits above threshold", "sparsity": "sparsity", "CoG_x": "centre x [mm]",
          "CoG_y": "centre y [mm]", "CoG_z": r"longitudinal centre [$X_0$]",
          "voxel_spectrum": "voxel energy [MeV]"}
FAMILY_LABELS = {"E_layer": "layer energy [MeV]", "ECx": "centre x [mm]", "ECy": "centre y [mm]",
                 "ECr": "centre r [mm]", "Wx": "width x [mm]", "Wy": "width y [mm]", "Wr": "width r [mm]"}
MIN_RATIO_COUNTS = 5  # ratio points need this many showers in the bin on both sides


def figure_png(fig: Figure, tight: bool = True) -> bytes:
    """PNG bytes of ``fig`` (closed afterwards); ``tight`` crops to the drawn content (slower)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight" if tight else None)
    plt.close(fig)
    return buf.getvalue()


def _ratio(ax: plt.Axes, edges: np.ndarray, h_ref: np.ndarray, h_gen: np.ndarray, n_ref: int,
           n_gen: int) -> None:
    """gen/ref with Poisson errors (from the un-normalised counts) in the lower panel, only in
    bins with at least ``MIN_RATIO_COUNTS`` showers on both sides: sparse tail bins would only
    show error bars that fill the panel."""
    counts_ref, counts_gen = h_ref * n_ref, h_gen * n_gen
    shown = (counts_ref >= MIN_RATIO_COUNTS) & (counts_gen >= MIN_RATIO_COUNTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(shown, h_gen / h_ref, np.nan)
        err = r * np.sqrt(1 / np.maximum(counts_gen, 1) + 1 / np.maximum(counts_ref, 1))
    centres = 0.5 * (edges[1:] + edges[:-1])
    ax.errorbar(centres, r, yerr=err, fmt=".", color=GEN["color"], ms=3, elinewidth=0.8)
    ax.axhline(1.0, color="black", lw=1)
    ax.set_ylim(0.5, 1.5)
    ax.set_ylabel("gen/ref", fontsize=14)


def feature_figure(c: Comparison, n_ref: int, n_gen: int) -> Figure:
    """One feature: normalised histograms with a ratio panel; S in the title."""
    with plt.style.context(STYLE):
        fig, (ax, rax) = plt.subplots(2, 1, figsize=(6, 5.5), sharex=True,
                                      gridspec_kw={"height_ratios": (3, 1), "hspace": 0.05})
        hep.histplot(c.h_ref, bins=c.edges, ax=ax, histtype="step", **REF)
        hep.histplot(c.h_gen, bins=c.edges, ax=ax, histtype="step", **GEN)
        ax.set_ylabel("fraction", fontsize=14)
        ax.legend(fontsize=12)
        flag = " (flagged)" if c.flagged else ""
        ax.set_title(f"S = {c.separation:.4f}{flag}", fontsize=13,
                     color="tab:red" if c.flagged else "black")
        _ratio(rax, c.edges, c.h_ref, c.h_gen, n_ref, n_gen)
        rax.set_xlabel(LABELS.get(c.name, c.name), fontsize=14)
        if c.log_x:
            ax.set_xscale("log")
            ax.set_yscale("log")
        else:
            rax.xaxis.set_major_locator(MaxNLocator(6))
        return fig


def family_figure(prefix: str, comps: dict[str, Comparison], n_ref: int = 0, n_gen: int = 0,
                  max_panels: int = 8) -> Figure | None:
    """Per-layer features of one family (e.g. ``ECx``) in a grid, for up to 8 layers spread over
    the depth, each with a gen/ref ratio panel (``n_ref``/``n_gen``: showers, for its errors).
    Every layer's separation power is in ``separation_figure`` and the report's table."""
    names = [k for k in comps if k.startswith(prefix + "_")]
    if not names:
        return None
    pick = [names[i] for i in np.unique(np.linspace(0, len(names) - 1, min(max_panels, len(names)))
                                        .astype(int))]
    cols = min(4, len(pick))
    rows = int(np.ceil(len(pick) / cols))
    with plt.style.context(GRID_STYLE):
        fig = plt.figure(figsize=(3.6 * cols, 3.8 * rows))
        outer = fig.add_gridspec(rows, cols, hspace=0.45, wspace=0.3)
        for k, name in enumerate(pick):
            inner = outer[divmod(k, cols)].subgridspec(2, 1, height_ratios=(3, 1), hspace=0.06)
            ax = fig.add_subplot(inner[0])
            rax = fig.add_subplot(inner[1], sharex=ax)
            c = comps[name]
            ax.stairs(c.h_ref, c.edges, **REF)
            ax.stairs(c.h_gen, c.edges, **GEN)
            ax.set_title(f"{name}  S={c.separation:.3f}", fontsize=10,
                         color="tab:red" if c.flagged else "black")
            ax.tick_params(labelsize=8, labelbottom=False)
            _ratio(rax, c.edges, c.h_ref, c.h_gen, max(n_ref, 1), max(n_gen, 1))
            rax.set_ylabel("gen/ref", fontsize=8)
            rax.set_xlabel(FAMILY_LABELS.get(prefix, prefix), fontsize=8)
            rax.tick_params(labelsize=8)
            if not c.log_x:
                rax.xaxis.set_major_locator(MaxNLocator(4))
            if c.log_x:
                ax.set_xscale("log")
            if k == 0:
                ax.legend(fontsize=8)
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.08, top=0.94)
        return fig


def separation_figure(comps: dict[str, Comparison], families: tuple[str, ...]) -> Figure:
    """Separation power of every per-layer feature against the layer position, one panel per
    family, with the finite-sample noise floor (dashed); flagged features in red."""
    present = [f for f in families if any(k.startswith(f + "_") for k in comps)]
    cols = min(4, max(len(present), 1))
    rows = int(np.ceil(max(len(present), 1) / cols))
    with plt.style.context(GRID_STYLE):
        fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
        for ax, family in zip(axes.ravel(), present, strict=False):
            names = [k for k in comps if k.startswith(family + "_")]
            s = np.maximum([comps[k].separation for k in names], 1e-6)  # log axis
            pos = np.array([int(k.rsplit("_", 1)[1]) for k in names])  # layer id
            flagged = np.array([comps[k].flagged for k in names])
            ax.plot(pos, [comps[k].noise_floor for k in names], "--", color="grey", lw=1,
                    label="noise floor")
            ax.plot(pos[~flagged], s[~flagged], "o", ms=3, color="black", label="S")
            ax.plot(pos[flagged], s[flagged], "o", ms=4, color="tab:red", label="S flagged")
            ax.set_yscale("log")
            ax.set_title(f"{family} per layer", fontsize=10)
            ax.set_xlabel("layer id", fontsize=8)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.tick_params(labelsize=8)
        for ax in axes.ravel()[len(present):]:
            ax.set_visible(False)
        if present:
            axes[0, 0].legend(fontsize=7)
        fig.tight_layout()
        return fig


def profile_figure(depth: np.ndarray, e_ref: np.ndarray, e_gen: np.ndarray, energies_ref: np.ndarray,
                   energies_gen: np.ndarray, n_bins: int = 3) -> Figure:
    """Mean longitudinal profile (MeV per layer vs depth), overall and in incident-energy bins
    (quantiles of the reference energies), with gen/ref ratios."""
    edges = np.quantile(energies_ref, np.linspace(0, 1, n_bins + 1))
    edges[-1] *= 1.0001
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(2, n_bins + 1, figsize=(4.2 * (n_bins + 1), 5.5), sharex=True,
                                 gridspec_kw={"height_ratios": (3, 1), "hspace": 0.05})
        sel = [(slice(None), slice(None), "all energies")]
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            sel.append(((energies_ref >= lo) & (energies_ref < hi),
                        (energies_gen >= lo) & (energies_gen < hi), f"{lo:.3g}-{hi:.3g} MeV"))
        for k, (mr, mg, title) in enumerate(sel):
            pr = e_ref[mr].mean(0) if e_ref[mr].size else np.zeros(len(depth))
            pg = e_gen[mg].mean(0) if e_gen[mg].size else np.zeros(len(depth))
            axes[0, k].plot(depth, pr, "o-", ms=3, **REF)
            axes[0, k].plot(depth, pg, "s--", ms=3, **GEN)
            axes[0, k].set_title(title, fontsize=11)
            with np.errstate(divide="ignore", invalid="ignore"):
                axes[1, k].plot(depth, np.where(pr > 0, pg / pr, np.nan), ".", color=GEN["color"])
            axes[1, k].axhline(1, color="black", lw=1)
            axes[1, k].set_ylim(0.5, 1.5)
            axes[1, k].set_xlabel(r"depth [$X_0$]", fontsize=12)
            axes[0, k].tick_params(labelsize=9)
        axes[0, 0].set_ylabel("mean energy per layer [MeV]", fontsize=12)
        axes[0, 0].legend(fontsize=10)
        return fig


def layer_images_figure(readout: Readout, mean_ref: np.ndarray, mean_gen: np.ndarray,
                        max_layers: int = 6, title: str = "") -> Figure:
    """Average shower per layer (MeV per voxel), reference vs generated, for up to 6 layers.
    Strip and single-angle layers are drawn as overlaid 1-D profiles, polar layers as alpha x r
    images (reference above, generated below, common log colour scale)."""
    layers = readout.active_layers
    offsets = np.concatenate([[0], np.cumsum([layer.n_voxels for layer in layers])])
    pick = np.unique(np.linspace(0, len(layers) - 1, min(max_layers, len(layers))).astype(int))
    vmax = np.log10(max(mean_ref.max(), mean_gen.max(), 1e-12))
    n_rows = 1 if all(layers[k].shape[0] == 1 for k in pick) else 2
    with plt.style.context(GRID_STYLE):
        fig, axes = plt.subplots(n_rows, len(pick), figsize=(3.4 * len(pick), 3.2 * n_rows + 0.4),
                                 squeeze=False)
        for col, k in enumerate(pick):
            layer, sl = layers[k], slice(int(offsets[k]), int(offsets[k + 1]))
            if layer.shape[0] == 1:
                _profile_panel(axes[0, col], layer, mean_ref[sl], mean_gen[sl])
                if n_rows == 2:
                    axes[1, col].set_visible(False)
                continue
            for row, (mean, style) in enumerate(((mean_ref, REF), (mean_gen, GEN))):
                ax = axes[row, col]
                with np.errstate(divide="ignore"):
                    im = ax.imshow(np.log10(mean[sl].reshape(layer.shape)), aspect="auto",
                                   origin="lower", vmin=vmax - 4, vmax=vmax, cmap="viridis")
                fig.colorbar(im, ax=ax, label="log10 MeV")
                ax.set(xlabel="r bin", ylabel=r"$\alpha$ bin")
                ax.set_title(f"layer {layer.id} {style['label']}", fontsize=10)
        fig.suptitle(f"average shower per layer {title}", fontsize=12)
        fig.tight_layout()
        return fig


def _profile_panel(ax: plt.Axes, layer: object, ref: np.ndarray, gen: np.ndarray) -> None:
    """Mean energy per cell of a 1-D layer (strip cells or radial bins), both samples."""
    cells = np.arange(ref.size)
    ax.step(cells, ref, where="mid", **REF)
    ax.step(cells, gen, where="mid", **GEN)
    if max(ref.max(initial=0.0), gen.max(initial=0.0)) > 0:  # an empty layer (deep in a hadron block) stays linear
        ax.set_yscale("log")
    ax.set_xlabel("cell" if getattr(layer, "kind", "") == "strip" else "r bin", fontsize=10)
    ax.set_ylabel("mean MeV per cell", fontsize=9)
    ax.set_title(f"layer {getattr(layer, 'id', '')}", fontsize=10)
    ax.legend(fontsize=7)


def classifier_figure(aucs: dict[str, float]) -> Figure:
    """Bar chart of classifier AUCs with the 0.5 (indistinguishable) line."""
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.bar(list(aucs), list(aucs.values()), color="tab:blue")
        ax.axhline(0.5, color="black", ls="--", lw=1)
        ax.set_ylim(0.4, 1.0)
        ax.set_ylabel("ROC AUC", fontsize=13)
        return fig


def response_figure(response: dict) -> Figure:
    """Response <E_vis/E_inc> and resolution sigma/mean against E_inc, reference and generated
    (``validate.response.response_comparison``), log energy axis."""
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for key, style in (("reference", REF), ("generated", GEN)):
            t = response[key]
            e = np.asarray(t["e_inc_mev"]) / 1e3
            axes[0].errorbar(e, np.asarray(t["response"], dtype=float), yerr=np.asarray(t["response_err"], dtype=float),
                             fmt="o", ms=4, capsize=2, **style)
            axes[1].errorbar(e, 100 * np.asarray(t["resolution"], dtype=float),
                             yerr=100 * np.asarray(t["resolution_err"], dtype=float), fmt="o", ms=4, capsize=2, **style)
        for ax, label in ((axes[0], r"response $\langle E_\mathrm{vis}/E_\mathrm{inc}\rangle$"),
                          (axes[1], r"resolution $\sigma/\mu$ of $E_\mathrm{vis}/E_\mathrm{inc}$ [%]")):
            ax.set_xscale("log")
            ax.set_xlabel(r"$E_\mathrm{inc}$ [GeV]", fontsize=13)
            ax.set_ylabel(label, fontsize=12)
            ax.tick_params(labelsize=11)
        axes[0].legend(fontsize=11)
        fig.tight_layout()
        return fig


def auc_by_energy_figure(by_energy: dict[str, dict]) -> Figure:
    """Classifier AUC in bins of E_inc (low and high level), with the band that two samples of
    one distribution would fill (0.5 +- its noise)."""
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(6, 4))
        for (name, table), colour in zip(by_energy.items(), ("tab:blue", "tab:orange"), strict=False):
            edges = np.asarray(table["edges_mev"]) / 1e3
            centres = np.sqrt(edges[1:] * edges[:-1])
            ax.errorbar(centres, table["auc"], xerr=[centres - edges[:-1], edges[1:] - centres], fmt="o",
                        color=colour, label=name, ms=4)
            ax.fill_between(centres, 0.5 - np.asarray(table["auc_noise"]), 0.5 + np.asarray(table["auc_noise"]),
                            color=colour, alpha=0.15)
        ax.axhline(0.5, color="black", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_ylim(0.4, 1.0)
        ax.set_xlabel(r"$E_\mathrm{inc}$ [GeV]", fontsize=13)
        ax.set_ylabel("ROC AUC", fontsize=13)
        ax.legend(fontsize=11)
        return fig
