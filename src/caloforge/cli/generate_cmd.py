"""``caloforge generate``: showers from a trained model, written as a CaloChallenge HDF5 file.

Incident energies come from ``--energy`` (a fixed value, a list or a log-uniform range) or are
copied from a reference file with ``--like``, so that a validation compares like with like.
Energies outside the training range are allowed with a warning: the model extrapolates there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import typer

from caloforge.cli.common import SEED_OPTION, console, handle_errors, out
from caloforge.errors import InputError
from caloforge.io import ShowerFile, Showers, ShowerWriter
from caloforge.progress import make_progress
from caloforge.units import draw_energies, format_energy


def incident_energies(n: int | None, energy: str | None, like: Path | None, seed: int) -> tuple[np.ndarray, str]:
    """(energies in MeV, particle of the --like file or "")."""
    if (energy is None) == (like is None):
        raise InputError("give exactly one of --energy SPEC and --like FILE")
    if like is not None:
        with ShowerFile(like) as f:
            energies, particle = f.incident_energies(), str(f.attrs.get("particle", ""))
        return (energies if n is None else energies[:n]).astype(np.float32), particle
    if n is None or n < 1:
        raise InputError("--energy needs --n N (a positive number of showers)")
    return draw_energies(energy, n, np.random.default_rng(seed)).astype(np.float32), ""


def warn_outside(energies: np.ndarray, low: float, high: float) -> None:
    outside = int(((energies < low * 0.999) | (energies > high * 1.001)).sum())
    if outside:
        console.print(f"[yellow]warning:[/] {outside} incident energies lie outside the training range "
                      f"{format_energy(low)} - {format_energy(high)}; the model extrapolates there")


def generate_onnx(onnx_path: Path, energies: np.ndarray, out_path: Path, batch_size: int, seed: int) -> str:
    """Showers from an exported sampler with onnxruntime (noise from numpy, seeded); returns its name."""
    from caloforge.export.onnx import OnnxSampler

    sampler = OnnxSampler(onnx_path)
    meta = sampler.metadata
    warn_outside(energies, float(meta.get("energy_min_mev", 0.0)), float(meta.get("energy_max_mev", np.inf)))
    rng = np.random.default_rng(seed)
    attrs = {"geometry": str(meta.get("geometry", "")), "particle": str(meta.get("particle", "")),
             "generator": f"{meta.get('model', 'onnx')}-onnx-{meta.get('precision', 'fp32')}", "seed": seed,
             "model": str(onnx_path)}
    write_batches(out_path, int(meta.get("n_voxels", 0)), attrs, energies, batch_size,
                  lambda e: np.maximum(sampler(sampler.noise(len(e), rng), e), 0.0))
    return attrs["generator"]


def write_batches(out_path: Path, n_voxels: int, attrs: dict, energies: np.ndarray, batch_size: int,
                  sample: Callable[[np.ndarray], np.ndarray]) -> None:
    """Generate batch by batch into a .partial file renamed at the end, with a progress bar."""
    writer = ShowerWriter(out_path, n_voxels, attrs)
    try:
        with make_progress("showers") as bar:
            task = bar.add_task("generating", total=len(energies), status="")
            for start in range(0, len(energies), batch_size):
                e = energies[start:start + batch_size]
                writer.append(Showers(e, np.asarray(sample(e), dtype=np.float32), attrs))
                bar.update(task, advance=len(e))
        writer.finish()
    finally:
        writer.close()


@handle_errors
def generate(
    model: Path = typer.Option(None, "--model", help="Run directory (or model.pt) written by `caloforge train`."),
    onnx: Path = typer.Option(None, "--onnx", help="Instead of --model: an ONNX sampler from `caloforge export`, "
                              "run with onnxruntime."),
    out_path: Path = typer.Option(..., "--out", help="Output HDF5 file."),
    n: int = typer.Option(None, "--n", help="Number of showers (with --like: the first N energies)."),
    energy: str = typer.Option(None, "--energy", help="Incident energies: 10GeV, 1GeV,10GeV or 1GeV:100GeV."),
    like: Path = typer.Option(None, "--like", help="Copy the incident energies of this shower file."),
    particle: str = typer.Option(None, "--particle", help="Particle, for models trained on several."),
    batch_size: int = typer.Option(1000, "--batch-size", min=1, help="Showers per network call."),
    steps: int = typer.Option(None, "--steps", help="Diffusion only: number of sampling steps."),
    sampler: str = typer.Option(None, "--sampler", help="Diffusion only: heun, ddim or ddpm."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda ..."),
    seed: int = SEED_OPTION,
) -> None:
    """Generate showers (MeV, geometry voxel order) conditioned on incident energies."""
    if (model is None) == (onnx is None):
        raise InputError("give exactly one of --model RUN_DIR and --onnx FILE")
    energies, like_particle = incident_energies(n, energy, like, seed)
    if onnx is not None:
        name = generate_onnx(onnx, energies, out_path, batch_size, seed)
        out.print(f"wrote {len(energies)} {name} showers to {out_path}")
        return
    import torch

    from caloforge.models import load_model
    from caloforge.training.trainer import resolve_device

    shower_model = load_model(model, resolve_device(device))
    spec = shower_model.spec
    warn_outside(energies, spec.energy_min, spec.energy_max)
    options = {k: v for k, v in {"steps": steps, "sampler": sampler}.items() if v is not None}
    name = particle or like_particle or (spec.particles[0] if len(spec.particles) == 1 else None)
    names = [name] * len(energies) if len(spec.particles) > 1 else None
    generator = torch.Generator().manual_seed(seed)
    attrs = {"geometry": spec.geometry, "particle": name or "", "generator": shower_model.name, "seed": seed,
             "model": str(model)}

    def sample(e: np.ndarray) -> np.ndarray:
        p = None if names is None else [name] * len(e)
        return shower_model.sample(e, p, generator=generator, batch_size=batch_size, **options).numpy()

    write_batches(out_path, spec.n_voxels, attrs, energies, batch_size, sample)
    out.print(f"wrote {len(energies)} {shower_model.name} showers to {out_path}")
