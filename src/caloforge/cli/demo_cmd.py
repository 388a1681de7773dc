"""``caloforge demo``: the whole CaloForge loop in one command, resumable stage by stage."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from caloforge.cli.common import console, handle_errors, out


def _fmt(value: object, digits: int = 3) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.{digits}g}"
    return "n/a" if value is None else str(value)


@handle_errors
def demo(
    geometry: str = typer.Option("ams-ecal", "--geometry", "-g", help="Geometry to simulate and learn."),
    model: str = typer.Option("flow", "--model", "-m", help="Model family to train (default: the flow)."),
    quick: bool = typer.Option(False, "--quick", help="Shrink every stage to seconds (smoke test)."),
    out_dir: Path = typer.Option(Path("demo"), "--out", "-o", help="Output folder."),
    workers: int = typer.Option(None, "--workers", help="Monte Carlo processes (default 2)."),
    seed: int = typer.Option(1, "--seed", help="Random seed of every stage."),
) -> None:
    """Simulate, train, generate, validate and benchmark; finished stages are reused on a re-run."""
    from caloforge.bench.table import format_speedup
    from caloforge.demo.config import DemoConfig
    from caloforge.demo.run import build_pipeline, headline
    from caloforge.geometry import get_geometry
    from caloforge.models import list_models

    particle = get_geometry(geometry).readout.particle  # the particle the geometry is binned for
    if model not in list_models():
        from caloforge.errors import InputError

        raise InputError(f"unknown model {model!r} (known: {', '.join(list_models())})")
    # the physics tasks (e/p separation, energy regression, anomaly score) are those of the AMS-02 ECAL
    config = DemoConfig(geometry=geometry, model=model, seed=seed, particle=particle, physics=geometry == "ams-ecal")
    config = config.quick() if quick else config
    if workers:
        config = dataclasses.replace(config, workers=workers)
    pipeline = build_pipeline(config, out_dir)
    total = len(pipeline.stages)
    started = {"t": time.perf_counter()}

    def on_start(stage: object, skipped: bool) -> None:
        index = pipeline.stages.index(stage) + 1  # type: ignore[arg-type]
        state = "[green]done, reused[/]" if skipped else "[cyan]running[/]"
        console.print(f"[bold][{index}/{total}][/] {stage.description}  {state}")  # type: ignore[attr-defined]

    results = pipeline.run(on_start)
    numbers = headline(out_dir)
    table = Table("metric", "value", title=f"CaloForge demo: {config.model} on {config.geometry}")
    table.add_row("classifier AUC, low level (0.5 = indistinguishable)", _fmt(numbers["auc_low"]))
    table.add_row("classifier AUC, high level", _fmt(numbers["auc_high"]))
    table.add_row("FPD (high-level features; floor in the report)",
                  f"{_fmt(numbers['fpd'])} ± {_fmt(numbers['fpd_err'], 2)}")
    for key, entry in numbers["speedups"].items():
        table.add_row(escape(f"speed-up {key}"), f"batch 1: {format_speedup(entry['batch1'])}, best: "
                                                 f"{format_speedup(entry['best'])} (batch {entry['best_batch']})")
    out.print(table)
    if numbers["physics"]:
        from caloforge.cli.physics_cmd import in_the_loop_table

        out.print(in_the_loop_table(numbers["physics"]))
    ran = sum(not r.skipped for r in results)
    out.print(f"{ran} stage(s) run, {total - ran} reused, {time.perf_counter() - started['t']:.0f} s; "
              f"report: {numbers['report']}")
