"""``caloforge physics``: the physics tasks the showers are for (AMS-02 ECAL style)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from caloforge.cli.common import FORCE_OPTION, SEED_OPTION, handle_errors, out, refuse_existing

app = typer.Typer(help="Physics tasks on shower files: e/p separation, energy regression, anomaly detection.",
                  no_args_is_help=True)


def _floats(text: str, what: str) -> tuple[float, ...]:
    from caloforge.errors import InputError

    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise InputError(f"{what} must be numbers separated by commas, got {text!r}") from None


def _fmt_rejection(r: dict) -> str:
    low = f"{r['rejection_low']:.3g}"
    if r["rejection"] is None:
        return f"> {low} (no proton passes)"
    return f"{r['rejection']:.3g} [{low}, {r['rejection_high']:.3g}]"


@app.command("ep-separation")
@handle_errors
def ep_separation(
    electrons: Path = typer.Option(..., "--electrons", help="Electron showers to train on (HDF5)."),
    protons: Path = typer.Option(..., "--protons", help="Proton showers to train on (HDF5), simulated up to "
                                 "several times the electrons' energies."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder: ep_separation.json, plots/."),
    test_electrons: Path = typer.Option(None, "--test-electrons", help="Independent electron showers to "
                                        "measure on (default: a seeded split of --electrons)."),
    test_protons: Path = typer.Option(None, "--test-protons", help="Independent proton showers to measure on."),
    test_fraction: float = typer.Option(0.5, "--test-fraction", min=0.05, max=0.95,
                                        help="Share held out when no test files are given."),
    bins: str = typer.Option("2,5,10,20,50,100,200,1000", "--bins", help="Edges of the bins of measured "
                             "energy (GeV, electron scale)."),
    efficiencies: str = typer.Option("0.9,0.95", "--efficiencies", help="Electron efficiencies to quote "
                                     "the rejection at."),
    shape_only: bool = typer.Option(False, "--shape-only", help="Only the shower-shape variables, not the "
                                    "cells."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Train a BDT to separate electrons from protons and quote the proton rejection at fixed
    electron efficiency in bins of measured energy (Clopper-Pearson 68 % intervals)."""
    from caloforge.stages.physics import ep_separation_files
    from caloforge.tasks.ep_separation import EPConfig

    config = EPConfig(bins_gev=_floats(bins, "--bins"), efficiencies=_floats(efficiencies, "--efficiencies"),
                      use_cells=not shape_only, seed=seed)
    refuse_existing(out_dir / "ep_separation.json", force, "an earlier e/p separation")
    result = ep_separation_files(electrons, protons, out_dir, test_electrons, test_protons, test_fraction, config)
    table = Table("measured energy (GeV)", "electrons", "protons",
                  *[f"rejection at {e:.0%}" for e in config.efficiencies], title="proton rejection")
    for b in result["bins"]:
        lo, hi = b["bin_gev"]
        table.add_row(f"{lo:g}-{hi:g}", str(b["n_electrons"]), str(b["n_protons"]),
                      *[_fmt_rejection(r) for r in b["rejections"]])
    out.print(table)
    out.print(f"wrote {out_dir / 'ep_separation.json'} and {out_dir / 'plots'}/")


@app.command("energy-regression")
@handle_errors
def energy_regression(
    train: Path = typer.Option(..., "--train", help="Electron showers over a continuum of energies (HDF5)."),
    test: list[Path] = typer.Option(..., "--test", help="Electron showers at discrete energies to measure "
                                    "linearity and resolution on; repeat it for several files."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder: energy_regression.json, plots/."),
    shape_only: bool = typer.Option(False, "--shape-only", help="Only the shower-shape variables, not the "
                                    "cells."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Correct the electron energy with a BDT regression of E_rec/E_true - 1 and fit
    sigma/E = a/sqrt(E) (+) b before and after."""
    from caloforge.stages.physics import energy_regression_files
    from caloforge.tasks.energy_regression import RegressionConfig

    refuse_existing(out_dir / "energy_regression.json", force, "an earlier energy regression")
    report = energy_regression_files(train, list(test), out_dir, RegressionConfig(use_cells=not shape_only,
                                                                                  seed=seed))
    table = Table("E (GeV)", "showers", "E_rec/E", "corrected E/E", "σ68/E rec", "σ68/E corrected",
                  title="energy regression")
    rec, cor = report["reconstructed"], report["corrected"]
    for i, e in enumerate(report["energies_gev"]):
        table.add_row(f"{e:g}", str(report["n"][i]), f"{rec['linearity'][i]:.4f}", f"{cor['linearity'][i]:.4f}",
                      f"{100 * rec['resolution'][i]:.2f} %", f"{100 * cor['resolution'][i]:.2f} %")
    out.print(table)
    for key in ("reconstructed", "corrected"):
        fit = report[key]["fit"]
        if fit:
            out.print(f"{key}: a = {100 * fit['a']:.2f} ± {100 * fit['a_err']:.2f} %/√GeV, "
                      f"b = {100 * fit['b']:.2f} ± {100 * fit['b_err']:.2f} %")
    out.print(f"wrote {out_dir / 'energy_regression.json'} and {out_dir / 'plots'}/")


@app.command("anomaly")
@handle_errors
def anomaly(
    train: Path = typer.Option(..., "--train", help="Electron showers to train the autoencoder on (HDF5)."),
    test: Path = typer.Option(..., "--test", help="Held-out electron showers; faults are injected into copies."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder: anomaly.json, plots/."),
    protons: Path = typer.Option(None, "--protons", help="Proton showers: how well the score flags those that "
                                 "shower."),
    min_proton_energy: float = typer.Option(2.0, "--min-proton-energy", min=0.0, help="Protons count as "
                                            "showering from this measured energy (GeV)."),
    epochs: int = typer.Option(40, "--epochs", min=1, help="Training epochs of the autoencoder."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Train an autoencoder on electron showers; report how its reconstruction error flags dead
    and hot channels, noisy layers and protons (AUC, efficiency at 1 % and 10 % false positives)."""
    from caloforge.stages.physics import anomaly_files
    from caloforge.tasks.anomaly import AnomalyConfig

    refuse_existing(out_dir / "anomaly.json", force, "an earlier anomaly study")
    report = anomaly_files(train, test, out_dir, protons, min_proton_energy, AnomalyConfig(epochs=epochs, seed=seed))
    table = Table("anomaly", "showers", "AUC", "flagged at 1 % false positives", "at 10 %", title="anomaly score")
    for name, f in report["flagging"].items():
        table.add_row(name, str(f["n_anomalous"]), f"{f['auc']:.3f}", f"{f['efficiency_at_fpr_0.01']:.3f}",
                      f"{f['efficiency_at_fpr_0.1']:.3f}")
    out.print(table)
    out.print(f"wrote {out_dir / 'anomaly.json'} and {out_dir / 'plots'}/")
