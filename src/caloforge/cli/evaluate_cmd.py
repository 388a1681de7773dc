"""``caloforge evaluate``: compare generated showers with a reference, CaloChallenge style."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from caloforge.cli.common import SEED_OPTION, handle_errors, out

# numpy, h5py, torch, scikit-learn and matplotlib are imported inside ``evaluate``: importing
# them here would make every ``caloforge`` call (``--help`` included) pay ~2 s for them.


def summary_table(metrics: dict) -> Table:
    """Headline numbers with their verdicts, for the terminal."""
    v = metrics["verdicts"]
    table = Table("metric", "value", "verdict", title="evaluation summary")

    def fmt(x: object) -> str:
        return "n/a" if x is None else f"{x:.4g}" if isinstance(x, float) else str(x)

    for key in ("auc_low", "auc_high", "jsd_low", "jsd_high", "fpd", "kpd"):
        err = metrics.get(f"{key}_err")
        table.add_row(key, fmt(metrics[key]) + (f" ± {fmt(err)}" if err is not None else ""), v[key])
    table.add_row("flagged features", str(len(metrics["flagged_features"])),
                  "green" if not metrics["flagged_features"] else "amber/red")
    table.add_row("SSIM ref / gen", f"{fmt(metrics['ssim_ref'])} / {fmt(metrics['ssim_gen'])}", v["ssim"])
    table.add_row("duplicate pairs ref / gen", f"{metrics['duplicate_pairs_ref']} / "
                  f"{metrics['duplicate_pairs_gen']}", v["duplicates"])
    table.add_row("multi-peak ref / gen", f"{fmt(metrics['multipeak_ref'])} / "
                  f"{fmt(metrics['multipeak_gen'])}", v["multipeak"])
    return table


@handle_errors
def evaluate(
    reference: Path = typer.Option(..., "--reference", "-r", help="Reference shower file (HDF5)."),
    generated: Path = typer.Option(..., "--generated", "-g", help="Generated shower file (HDF5)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder for metrics.json, "
                                 "report.html and plots/."),
    seed: int = SEED_OPTION,
    geometry: str = typer.Option(None, "--geometry", help="Geometry name or binning XML "
                                 "(default: the one recorded in the files)."),
    quick: bool = typer.Option(False, "--quick", help="Small classifier (hidden 128, <= 15 "
                               "epochs) and fewer bootstraps: minutes become seconds."),
    max_showers: int = typer.Option(None, "--max-showers", min=1,
                                    help="Use at most this many random showers of each file."),
    threshold: float = typer.Option(None, "--threshold", min=0.0, help="Voxel threshold in MeV "
                                    "(default: 1 MeV ds1-like, 15.15 keV ds2/ds3-like, else 0.1)."),
    bench: Path = typer.Option(None, "--bench", help="Speed table of `caloforge bench` to embed "
                               "in the report: its output folder, bench.json or bench.md."),
) -> None:
    """Compare generated showers with a reference: features, separation powers, W1, classifier
    AUC, FPD/KPD, diversity, rare events; writes OUT/metrics.json and a self-contained OUT/report.html."""
    from caloforge.stages.evaluate import evaluate_files

    start = time.perf_counter()
    metrics = evaluate_files(reference, generated, out_dir, seed=seed, quick=quick, geometry=geometry,
                             max_showers=max_showers, threshold=threshold, bench=bench)
    out.print(summary_table(metrics))
    out.print(f"wrote {out_dir / 'metrics.json'} and {out_dir / 'report.html'} "
              f"in {time.perf_counter() - start:.1f} s")
