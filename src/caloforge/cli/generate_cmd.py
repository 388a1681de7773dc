"""``caloforge generate``: showers from a trained model, written as a CaloChallenge HDF5 file
(the work is ``caloforge.stages.generate``)."""

from __future__ import annotations

from pathlib import Path

import typer

from caloforge.cli.common import (
    FORCE_OPTION,
    RUN_NOT_MODEL,
    SEED_OPTION,
    handle_errors,
    out,
    refuse_existing,
    refuse_model_option,
)
from caloforge.errors import InputError


@handle_errors
def generate(
    run: Path = typer.Option(None, "--run", help="Run folder (or its model.pt) written by `caloforge train`."),
    onnx: Path = typer.Option(None, "--onnx", help="Instead of --run: an ONNX sampler from `caloforge export`, "
                              "run with onnxruntime (same --seed, same showers)."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Output HDF5 file."),
    n: int = typer.Option(None, "--n", help="Number of showers (with --like: the first N energies)."),
    energy: str = typer.Option(None, "--energy", help="Incident energies: 10GeV, 1GeV,10GeV or 1GeV:100GeV."),
    like: Path = typer.Option(None, "--like", help="Copy the incident energies of this shower file."),
    particle: str = typer.Option(None, "--particle", help="Particle, for models trained on several."),
    batch_size: int = typer.Option(1000, "--batch-size", min=1, help="Showers per network call."),
    steps: int = typer.Option(None, "--steps", help="Diffusion only: number of sampling steps."),
    sampler: str = typer.Option(None, "--sampler", help="Diffusion only: heun, ddim or ddpm."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda ..."),
    seed: int = SEED_OPTION,
    force: bool = FORCE_OPTION,
    model: str = RUN_NOT_MODEL,
) -> None:
    """Generate showers (MeV, geometry voxel order) conditioned on incident energies."""
    from caloforge.stages.generate import generate_with_model, generate_with_onnx, incident_energies

    refuse_model_option(model)
    if (run is None) == (onnx is None):
        raise InputError("give exactly one of --run RUN_DIR and --onnx FILE")
    refuse_existing(out_path, force)
    energies, like_particle = incident_energies(n, energy, like, seed)
    if onnx is not None:
        name = generate_with_onnx(onnx, energies, out_path, batch_size, seed)
    else:
        name = generate_with_model(run, energies, out_path, batch_size, seed, particle or like_particle or None,
                                   device, steps=steps, sampler=sampler)
    out.print(f"wrote {len(energies)} {name} showers to {out_path}")
