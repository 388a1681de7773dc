"""``caloforge bench``: speed of the Monte Carlo and of models, side by side, in one run."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from caloforge.cli.common import FORCE_OPTION, SEED_OPTION, handle_errors, out, refuse_existing
from caloforge.errors import InputError
from caloforge.units import parse_energy_spec


def _batches(text: str) -> tuple[int, ...]:
    """``1,16,256`` -> (1, 16, 256). Our own parsing, because click (and typer) have no
    comma-separated list type: a list option repeats its flag (``--batch-sizes 1 --batch-sizes
    16``), and the comma form is the one ``--energies`` and the README use."""
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise InputError(f"--batch-sizes must be integers separated by commas, got {text!r}") from None
    if not values or min(values) < 1:
        raise InputError("--batch-sizes must be positive integers")
    return values


def _model_names(paths: list[Path]) -> dict[str, str]:
    names: dict[str, str] = {}
    for path in paths:
        if not (path / "model.pt").is_file():
            raise InputError(f"{path} is not a trained run directory (no model.pt)")
        name = path.name if path.name not in names else str(path)
        names[name] = str(path)
    return names


@handle_errors
def bench(
    runs: list[Path] = typer.Option([], "--runs", help="Run folders of trained models (repeatable)."),
    more_runs: list[Path] = typer.Argument(None, help="More run folders (so that --runs runs/* works)."),
    geometry: str = typer.Option("ams-ecal", "--geometry", "-g", help="Geometry of the Monte Carlo."),
    particle: str = typer.Option(None, "--particle", help="Particle of the Monte Carlo (default: the one the "
                                 "geometry is binned for, ams-ecal: electron)."),
    energies: str = typer.Option("10GeV,100GeV", "--energies", help="Incident energies, comma-separated."),
    batch_sizes: str = typer.Option("1,16,256,4096", "--batch-sizes", help="Model batch sizes."),
    rounds: int = typer.Option(3, "--rounds", min=1, help="Interleaved timing rounds per point."),
    threads: int = typer.Option(1, "--threads", min=1, help="CPU threads of every contender."),
    onnx: bool = typer.Option(True, "--onnx/--no-onnx", help="Also time the ONNX FP32 and INT8 exports."),
    out_dir: Path = typer.Option(Path("bench"), "--out", "-o", help="Output folder (bench.json, bench.md)."),
    max_call_s: float = typer.Option(20.0, "--max-call-seconds", min=0.0, help="Skip a contender's larger "
                                     "batch sizes once one call takes longer than this."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
    models: str = typer.Option(None, "--models", hidden=True, help="Renamed: --runs."),
) -> None:
    """Time the Monte Carlo and each model (ms/shower, speed-up, peak memory); write bench.json and bench.md."""
    from caloforge.bench.run import BenchConfig, best_speedups, monte_carlo_rates
    from caloforge.bench.table import format_speedup
    from caloforge.stages.bench import bench_models

    if models is not None:
        raise InputError("--models is now --runs (run folders of trained models)")
    refuse_existing(out_dir / "bench.json", force, "a bench result")
    if particle is None:
        from caloforge.geometry import get_geometry

        particle = get_geometry(geometry).readout.particle
    kind, values = parse_energy_spec(energies)
    if kind == "range":
        raise InputError("--energies takes fixed energies (10GeV,100GeV), not a range")
    config = BenchConfig(geometry=geometry, particle=particle, energies=tuple(float(v) for v in values),
                         batch_sizes=_batches(batch_sizes), rounds=rounds, threads=threads, onnx=onnx,
                         max_call_s=max_call_s,
                         seed=seed, models=_model_names(list(runs) + list(more_runs or [])))
    result = bench_models(config, out_dir)
    table = Table("contender @ energy", "batch 1: ms/shower, speed-up", "best batch: ms/shower, speed-up",
                  title="speed against the Monte Carlo (median of the rounds)")
    for energy, mc in monte_carlo_rates(result).items():
        table.add_row(f"monte-carlo @ {energy} (1 core)", f"{mc['ms']:.4g} ms ({mc['per_s']:.3g} showers/s)", "")
    for key, entry in best_speedups(result).items():
        table.add_row(escape(key), f"{entry['ms_batch1']:.3g} ms, {format_speedup(entry['batch1'])}",
                      f"{entry['ms_best']:.3g} ms at batch {entry['best_batch']}, {format_speedup(entry['best'])}")
    out.print(table)
    out.print(f"wrote {out_dir / 'bench.json'} and {out_dir / 'bench.md'}")
