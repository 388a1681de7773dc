"""``caloforge evaluate``: compare generated showers with a reference, CaloChallenge style."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from caloforge.cli.common import FORCE_OPTION, SEED_OPTION, console, handle_errors, out, refuse_existing

# numpy, h5py, torch, scikit-learn and matplotlib are imported inside ``evaluate``: importing
# them here would make every ``caloforge`` call (``--help`` included) pay ~2 s for them.


def _fmt(x: object) -> str:
    return "n/a" if x is None else f"{x:.4g}" if isinstance(x, float) else str(x)


def summary_table(metrics: dict) -> Table:
    """Headline numbers with what they are compared with (the noise of an AUC, the Monte Carlo's
    own floor of a distance) and their verdicts, for the terminal."""
    v, m = metrics["verdicts"], metrics
    table = Table("metric", "value", "Monte Carlo vs itself", "verdict", title="evaluation summary")
    for key in ("auc_low", "auc_high"):
        table.add_row(f"classifier {key}", _fmt(m[key]), f"0.5 ± {_fmt(m.get(f'{key}_noise'))} "
                      f"(sees > {_fmt(m.get(f'{key}_detectable'))})", v[key])
    power = m.get("power")
    if power:
        pct = f"{100 * power['scale']:.3g} %"
        for level in ("low", "high"):
            table.add_row(f"power check, {level}: MC half vs half / vs half x (1 + {pct})",
                          f"{_fmt(power[f'auc_{level}_null'])} / {_fmt(power[f'auc_{level}_distorted'])}",
                          f"{power['n_per_side']} a side", "seen" if power[f"detected_{level}"] else "NOT seen")
    for key in ("jsd_low", "jsd_high"):
        table.add_row(f"classifier {key} (bits, >= 0)", _fmt(m[key]), "0", v[key])
    for key in ("fpd", "kpd"):
        table.add_row(key, f"{_fmt(m[key])} ± {_fmt(m.get(f'{key}_err'))}", f"floor {_fmt(m.get(f'{key}_ref_floor'))}",
                      v[key])
    table.add_row("flagged features", str(len(m["flagged_features"])), "0",
                  "green" if not m["flagged_features"] else "amber/red")
    table.add_row("SSIM ref / gen", f"{_fmt(m['ssim_ref'])} / {_fmt(m['ssim_gen'])}", "equal", v["ssim"])
    table.add_row("duplicate pairs ref / gen", f"{m['duplicate_pairs_ref']} / {m['duplicate_pairs_gen']}", "equal",
                  v["duplicates"])
    table.add_row("multi-peak fraction ref / gen", f"{_fmt(m['multipeak_ref'])} / {_fmt(m['multipeak_gen'])}",
                  "equal", v["multipeak"])
    return table


@handle_errors
def evaluate(
    reference: Path = typer.Option(..., "--reference", "-r", help="Reference shower file (HDF5)."),
    generated: list[Path] = typer.Option(..., "--generated", help="Generated shower file (HDF5); repeat it to "
                                         "compare several models in one report."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder for metrics.json, "
                                 "report.html and plots/."),
    seed: int = SEED_OPTION,
    geometry: str = typer.Option(None, "--geometry", "-g", help="Geometry name or binning XML "
                                 "(default: the one recorded in the files)."),
    quick: bool = typer.Option(False, "--quick", help="Small classifier (hidden 128, <= 15 "
                               "epochs) and fewer bootstraps: minutes become seconds."),
    max_showers: int = typer.Option(None, "--max-showers", min=1,
                                    help="Use at most this many random showers of each file."),
    threshold: float = typer.Option(None, "--threshold", min=0.0, help="Voxel threshold in MeV "
                                    "(default: 1 MeV ds1-like, 15.15 keV ds2/ds3-like, else 0.1)."),
    bench: Path = typer.Option(None, "--bench", help="Speed table of `caloforge bench` to embed "
                               "in the report: its output folder, bench.json or bench.md."),
    physics: Path = typer.Option(None, "--physics", help="Generator-in-the-loop study of `caloforge physics "
                                 "in-the-loop` to embed in the report and metrics.json: its folder or physics.json."),
    power: bool = typer.Option(False, "--power", help="Also run the classifier recipe on two halves of the "
                               "reference, as they are and with one half's energies x 1.05: the AUC a known 5 %% "
                               "error reaches at these sizes (about doubles the classifier time)."),
    force: bool = FORCE_OPTION,
) -> None:
    """Compare generated showers with a reference: features, separation powers, W1, classifier
    AUC, FPD/KPD, diversity, rare events; writes OUT/metrics.json and a self-contained OUT/report.html."""
    from caloforge.stages.evaluate import evaluate_many, model_labels

    refuse_existing(out_dir / "metrics.json", force, "an earlier evaluation")
    if len(generated) > 1:
        for label in model_labels(list(generated)):
            refuse_existing(out_dir / label / "metrics.json", force, "an earlier evaluation")
    start = time.perf_counter()
    result = evaluate_many(reference, list(generated), out_dir, seed=seed, quick=quick, geometry=geometry,
                           max_showers=max_showers, threshold=threshold, bench=bench, physics=physics,
                           power=power)
    for label, metrics in result.get("models", {"": result}).items():
        table = summary_table(metrics)
        if label:
            table.title = f"evaluation summary: {label}"
        out.print(table)
        for warning in metrics.get("warnings", []):
            console.print(f"[yellow]warning:[/] {warning}")
    out.print(f"wrote {out_dir / 'metrics.json'} and {out_dir / 'report.html'} "
              f"in {time.perf_counter() - start:.1f} s")
