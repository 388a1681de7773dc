"""Plots of the physics tasks, mplhep (ROOT) style: ROC curves as rejection (log) vs efficiency
per bin of measured energy, BDT score distributions per particle."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mplhep as hep  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from caloforge.report.plots import STYLE  # noqa: E402
from caloforge.tasks.rejection import clopper_pearson  # noqa: E402


def _log_energy_axis(ax: plt.Axes) -> None:
    """Log energy axis labelled at 1-2-5 decades only (minor labels collide over a short range)."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def roc_figure(result: dict, label: str = "") -> Figure:
    """Proton rejection vs electron efficiency, one curve per bin of measured energy; the points
    where no proton passes are drawn at their lower limit (open markers)."""
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 6))
        for b in result["bins"]:
            roc = b["roc"]
            eff = np.array(roc["efficiency"])
            rej = np.array([np.nan if r is None else r for r in roc["rejection"]], dtype=float)
            lo, hi = b["bin_gev"]
            line, = ax.plot(eff, rej, label=f"{lo:g}-{hi:g} GeV ({b['n_protons']} p)")
            limit = np.isnan(rej)
            if limit.any():  # no proton passes: the 68 % central interval's lower end
                floor = 1.0 / clopper_pearson(0, b["n_protons"])[1]
                ax.plot(eff[limit], np.full(limit.sum(), floor), ls="none", marker="^", mfc="none",
                        color=line.get_color())
        ax.set_yscale("log")
        ax.set_xlabel("electron efficiency")
        ax.set_ylabel("proton rejection")
        ax.legend(fontsize=12, title=label or None)
        ax.set_title("CaloForge e/p BDT", loc="left", fontsize=16)
    return fig


def score_figure(result: dict) -> Figure:
    """BDT score (log-odds) of electrons and protons, unit-normalised, log y."""
    s_e, s_p = np.array(result["scores"]["electron"]), np.array(result["scores"]["proton"])
    edges = np.linspace(min(s_e.min(), s_p.min()), max(s_e.max(), s_p.max()), 61)
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 6))
        for scores, label, colour in ((s_e, "electrons", "tab:blue"), (s_p, "protons", "tab:red")):
            h, _ = np.histogram(scores, edges)
            hep.histplot(h / max(h.sum(), 1), edges, ax=ax, label=f"{label} ({len(scores)})", color=colour)
        ax.set_yscale("log")
        ax.set_xlabel("BDT score (log-odds)")
        ax.set_ylabel("fraction of showers")
        ax.legend(fontsize=12)
    return fig


def resolution_figure(report: dict) -> Figure:
    """Linearity (top) and sigma_68/E vs E with the a/sqrt(E) (+) b fits (bottom), before and
    after the regression."""
    e = np.array(report["energies_gev"])
    grid = np.geomspace(e.min(), e.max(), 200)
    with plt.style.context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 9), sharex=True, height_ratios=(1, 2))
        for key, label, colour in (("reconstructed", "visible (electron scale)", "tab:gray"),
                                   ("corrected", "after the regression", "tab:blue")):
            r = report[key]
            top.plot(e, r["linearity"], marker="o", color=colour, label=label)
            bottom.errorbar(e, 100 * np.array(r["resolution"]), yerr=100 * np.array(r["resolution_err"]), marker="o",
                            ls="none", color=colour)
            if r["fit"]:
                a, b = r["fit"]["a"], r["fit"]["b"]
                bottom.plot(grid, 100 * np.sqrt(a * a / grid + b * b), color=colour,
                            label=f"{label}: {100 * a:.1f} %/√E ⊕ {100 * b:.2f} %")
        top.axhline(1.0, color="black", lw=0.8)
        top.set_ylabel(r"median $E/E_\mathrm{true}$", fontsize=16)
        top.legend(fontsize=11)
        _log_energy_axis(bottom)
        bottom.set_xlabel(r"$E_\mathrm{true}$ [GeV]")
        bottom.set_ylabel(r"$\sigma_{68}/E$ [%]")
        bottom.legend(fontsize=11)
    return fig


def anomaly_figure(report: dict) -> Figure:
    """Anomaly-score distributions (log x) of the held-out electrons and of every anomalous sample."""
    scores = {k: np.array(v) for k, v in report["scores"].items()}
    every = np.concatenate(list(scores.values()))
    edges = np.geomspace(max(every.min(), 1e-6), every.max() * 1.01, 61)
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 6))
        for name, s in scores.items():
            h, _ = np.histogram(np.clip(s, edges[0], edges[-1]), edges)
            auc = report["flagging"].get(name, {}).get("auc")
            label = name if auc is None else f"{name} (AUC {auc:.3f})"
            hep.histplot(h / max(h.sum(), 1), edges, ax=ax, label=label, lw=2 if name == "electron" else 1.2,
                         color="black" if name == "electron" else None)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("anomaly score (error / electrons' median)")
        ax.set_ylabel("fraction of showers")
        ax.legend(fontsize=11)
    return fig


ARM_LABELS = {"mc_mc": "MC → MC", "mc_gen": "MC → generated", "gen_mc": "generated → MC"}
ARM_COLOURS = {"mc_mc": "black", "mc_gen": "tab:red", "gen_mc": "tab:blue"}


def in_the_loop_rejection_figure(ep: dict, efficiency_index: int = 0) -> Figure:
    """Proton rejection per bin of measured energy for the three arms (trained → measured on),
    with Clopper-Pearson intervals; arrows where no proton passes (lower limits)."""
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 6))
        names = list(ep["arms"]["mc_mc"])  # the reference's bins; another arm may lack some
        eff = None
        for k, (arm, bins) in enumerate(ep["arms"].items()):
            for i, name in enumerate(names):
                if name not in bins:
                    continue
                xi = i + (k - 1) * 0.15
                r = bins[name][efficiency_index]
                eff = r["efficiency"]
                low = r["rejection_low"]
                if r["rejection"] is None:
                    ax.errorbar(xi, low, yerr=[[0.0], [low]], lolims=True, color=ARM_COLOURS[arm], marker="_")
                else:
                    err = [[r["rejection"] - low], [r["rejection_high"] - r["rejection"]]]
                    ax.errorbar(xi, r["rejection"], yerr=err, color=ARM_COLOURS[arm], marker="o", ls="none")
            ax.plot([], [], color=ARM_COLOURS[arm], marker="o", ls="none", label=ARM_LABELS[arm])
        ax.set_xticks(np.arange(len(names)), [f"{n} GeV" for n in names], rotation=30, fontsize=12)
        ax.set_yscale("log")
        ax.set_ylabel(f"proton rejection ({eff:.0%} e eff.)" if eff else "proton rejection")
        ax.legend(fontsize=12, title="trained → measured on", title_fontsize=12)
    return fig


def in_the_loop_resolution_figure(reg: dict) -> Figure:
    """Linearity (top) and sigma_68/E (bottom) of the corrected energy vs E for the three arms,
    with their a/sqrt(E) (+) b fits."""
    with plt.style.context(STYLE):
        fig, (top, ax) = plt.subplots(2, 1, figsize=(8, 9), sharex=True, height_ratios=(1, 2))
        for arm, rep in reg.items():
            e, r = np.array(rep["energies_gev"]), rep["corrected"]
            top.plot(e, r["linearity"], marker="o", color=ARM_COLOURS[arm])
            ax.errorbar(e, 100 * np.array(r["resolution"]), yerr=100 * np.array(r["resolution_err"]), marker="o",
                        ls="none", color=ARM_COLOURS[arm])
            fit = r["fit"]
            label = ARM_LABELS[arm]
            if fit:
                grid = np.geomspace(e.min(), e.max(), 100)
                ax.plot(grid, 100 * np.sqrt(fit["a"] ** 2 / grid + fit["b"] ** 2), color=ARM_COLOURS[arm])
                label += f": {100 * fit['a']:.1f} %/√E ⊕ {100 * fit['b']:.2f} %"
            ax.plot([], [], color=ARM_COLOURS[arm], marker="o", label=label)
        top.axhline(1.0, color="black", lw=0.8)
        top.set_ylabel(r"median $E_\mathrm{corr}/E_\mathrm{true}$", fontsize=16)
        _log_energy_axis(ax)
        ax.set_xlabel(r"$E_\mathrm{true}$ [GeV]")
        ax.set_ylabel(r"corrected $\sigma_{68}/E$ [%]")
        ax.legend(fontsize=11, title="regression trained → measured on", title_fontsize=11)
    return fig


def in_the_loop_roc_figure(ep: dict) -> Figure:
    """Proton rejection (log) vs electron efficiency of the three arms, one panel per bin of
    measured energy (the bins of the Monte Carlo reference)."""
    names = [f"{b['bin_gev'][0]:g}-{b['bin_gev'][1]:g}" for b in ep["roc"]["mc_mc"]]
    ncols = min(3, len(names))
    nrows = -(-len(names) // ncols)
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, 5.5 * nrows), squeeze=False)
        for ax, name in zip(axes.flat, names, strict=False):
            for arm, bins in ep["roc"].items():
                for b in bins:
                    if f"{b['bin_gev'][0]:g}-{b['bin_gev'][1]:g}" != name:
                        continue
                    rej = np.array([np.nan if r is None else r for r in b["roc"]["rejection"]], dtype=float)
                    ax.plot(b["roc"]["efficiency"], rej, color=ARM_COLOURS[arm],
                            label=f"{ARM_LABELS[arm]} ({b['n_protons']} p)")
            ax.set_yscale("log")
            ax.set_xlabel("electron efficiency")
            ax.set_ylabel("proton rejection")
            ax.legend(fontsize=10, title=f"{name} GeV, trained → measured on", title_fontsize=10)
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
    return fig


def in_the_loop_score_figure(ep: dict) -> Figure:
    """Scores of the Monte-Carlo-trained BDT for Monte Carlo (filled) and generated (lines)
    electrons and protons, unit-normalised, log y."""
    scores = {arm: {k: np.asarray(v, dtype=float) for k, v in ep["scores"][arm].items()} for arm in ("mc_mc", "mc_gen")}
    every = np.concatenate([s for arm in scores.values() for s in arm.values() if len(s)])
    edges = np.linspace(every.min(), every.max(), 61)
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 6))
        for particle, colour in (("electron", "tab:blue"), ("proton", "tab:red")):
            for arm, what, style in (("mc_mc", "Monte Carlo", "fill"), ("mc_gen", "generated", "step")):
                s = scores[arm][particle]
                h, _ = np.histogram(s, edges)
                hep.histplot(h / max(h.sum(), 1), edges, ax=ax, color=colour, histtype=style,
                             alpha=0.35 if style == "fill" else 1.0, label=f"{what} {particle}s ({len(s)})")
        ax.set_yscale("log")
        ax.set_xlabel("BDT score (log-odds), trained on Monte Carlo")
        ax.set_ylabel("fraction of showers")
        ax.legend(fontsize=11)
    return fig


def in_the_loop_anomaly_figure(anomaly: dict) -> Figure:
    """Anomaly scores of Monte Carlo and generated electrons under the Monte-Carlo-trained autoencoder."""
    mc, gen = np.array(anomaly["scores"]["mc"]), np.array(anomaly["scores"]["gen"])
    edges = np.geomspace(max(min(mc.min(), gen.min()), 1e-6), max(mc.max(), gen.max()) * 1.01, 51)
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 6))
        for s, label, colour in ((mc, "Monte Carlo electrons", "black"), (gen, "generated electrons", "tab:red")):
            h, _ = np.histogram(np.clip(s, edges[0], edges[-1]), edges)
            hep.histplot(h / max(h.sum(), 1), edges, ax=ax, label=f"{label} ({len(s)})", color=colour)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("anomaly score (autoencoder trained on Monte Carlo)")
        ax.set_ylabel("fraction of showers")
        ax.legend(fontsize=11, title=f"AUC MC vs generated {anomaly['auc']:.3f} ± {anomaly['auc_error']:.3f}",
                  title_fontsize=11)
    return fig
