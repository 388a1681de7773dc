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
    from caloforge.tasks.in_the_loop import rejection_text

    return rejection_text(r)


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
    classifier: str = typer.Option("bdt", "--classifier", help="bdt (gradient-boosted trees on cells and "
                                   "shower shape) or cnn (convolutional network on the x and y views)."),
    cnn_epochs: int = typer.Option(15, "--cnn-epochs", min=1, help="Training epochs of the CNN."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Train a BDT (or a CNN) to separate electrons from protons and quote the proton rejection at fixed
    electron efficiency in bins of measured energy (Clopper-Pearson 68 % intervals)."""
    from caloforge.stages.physics import ep_separation_files
    from caloforge.tasks.ep_separation import EPConfig

    config = EPConfig(bins_gev=_floats(bins, "--bins"), efficiencies=_floats(efficiencies, "--efficiencies"),
                      use_cells=not shape_only, classifier=classifier, cnn_epochs=cnn_epochs, seed=seed)
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
    from caloforge.tasks.in_the_loop import fit_term

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
            out.print(f"{key}: a = {fit_term(fit['a'], fit['a_err'], 2)} %/√GeV, "
                      f"b = {fit_term(fit['b'], fit['b_err'], 2)} %")
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


@app.command("in-the-loop")
@handle_errors
def in_the_loop(
    model: Path = typer.Option(..., "--run", help="Run folder (or model.pt) of a model trained on "
                               "electrons and protons."),
    electrons: Path = typer.Option(..., "--electrons", help="Monte Carlo electrons the tools train on."),
    protons: Path = typer.Option(..., "--protons", help="Monte Carlo protons the tools train on."),
    test_electrons: Path = typer.Option(..., "--test-electrons", help="Independent Monte Carlo electrons."),
    test_protons: Path = typer.Option(..., "--test-protons", help="Independent Monte Carlo protons."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder: physics.json, plots/ (give it to "
                                 "caloforge evaluate --physics)."),
    bins: str = typer.Option("2,5,10,20,50,100,200,1000", "--bins", help="Bins of measured energy (GeV)."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """Judge a generator by the physics: e/p rejection, energy regression and anomaly score,
    trained on Monte Carlo and measured on generated showers, and trained on generated showers and
    measured on Monte Carlo, beside the Monte Carlo's own answer."""
    from caloforge.stages.physics import in_the_loop_files
    from caloforge.tasks.ep_separation import EPConfig

    refuse_existing(out_dir / "physics.json", force, "an earlier in-the-loop study")
    result = in_the_loop_files(model, electrons, protons, test_electrons, test_protons, out_dir, seed,
                               EPConfig(bins_gev=_floats(bins, "--bins"), seed=seed))
    out.print(in_the_loop_table(result))
    out.print(f"wrote {out_dir / 'physics.json'} and {out_dir / 'plots'}/")


def in_the_loop_table(result: dict) -> Table:
    """The rows of ``caloforge.tasks.in_the_loop.summary_rows`` as a terminal table."""
    from caloforge.tasks.in_the_loop import ARM_TITLES, summary_rows

    table = Table("figure", *ARM_TITLES, title="physics in the loop (trained → measured on)")
    for row in summary_rows(result):
        table.add_row(*row)
    return table
