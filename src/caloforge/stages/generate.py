"""Stage ``generate``: showers from a trained model (PyTorch) or an exported sampler (ONNX
Runtime), written batch by batch as a CaloChallenge file.

Incident energies come from an energy specification (a fixed value, a list or a log-uniform
range) or are copied from a reference file (``like``), so that a validation compares like with
like. Energies outside the training range are allowed with a warning: the model extrapolates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from caloforge.errors import InputError
from caloforge.io import ShowerFile, Showers, ShowerWriter
from caloforge.progress import make_progress
from caloforge.terminal import console
from caloforge.units import draw_energies, format_energy


def incident_energies(n: int | None, energy: str | None, like: Path | None, seed: int) -> tuple[np.ndarray, str]:
    """(energies in MeV, particle of the ``like`` file or "") from exactly one of ``energy`` and
    ``like``; with ``like``, ``n`` keeps the first N energies."""
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
    """One warning line when some energies (MeV) lie outside the training range [low, high]."""
    outside = int(((energies < low * 0.999) | (energies > high * 1.001)).sum())
    if outside:
        console.print(f"[yellow]warning:[/] {outside} incident energies lie outside the training range "
                      f"{format_energy(low)} - {format_energy(high)}; the model extrapolates there")


def write_batches(out_path: Path, n_voxels: int, attrs: dict[str, Any], energies: np.ndarray, batch_size: int,
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


def generate_with_model(model_path: Path, energies: np.ndarray, out_path: Path, batch_size: int = 1000,
                        seed: int = 0, particle: str | None = None, device: str = "auto",
                        **options: Any) -> str:
    """Showers of the model in run folder (or model.pt) ``model_path`` at ``energies`` (MeV);
    ``options``: the family's sampling options (diffusion: steps, sampler). Returns the family.

    The noise comes batch by batch from one seeded generator, so the file does not depend on
    how the energies are split into calls of ``batch_size``.
    """
    import torch

    from caloforge.models import load_model
    from caloforge.training.trainer import resolve_device

    shower_model = load_model(model_path, resolve_device(device))
    spec = shower_model.spec
    warn_outside(energies, spec.energy_min, spec.energy_max)  # one line, instead of sample's Python warning
    options = {k: v for k, v in options.items() if v is not None}
    shower_model.export_sampler(**options)  # refuse unknown options before any work
    name = particle or (spec.particles[0] if len(spec.particles) == 1 else None)
    several = len(spec.particles) > 1
    if several:  # refuse a missing or unknown particle before the output file is started
        shower_model.particle_onehot(None if name is None else [name], 1)
    generator = torch.Generator().manual_seed(seed)
    attrs = {"geometry": spec.geometry, "particle": name or "", "generator": shower_model.name, "seed": seed,
             "model": str(model_path)}

    def sample(e: np.ndarray) -> np.ndarray:
        return shower_model.sample(e, [name] if several else None, generator=generator, batch_size=batch_size,
                                   warn=False, **options)

    write_batches(out_path, spec.n_voxels, attrs, energies, batch_size, sample)
    return shower_model.name


def generate_with_onnx(onnx_path: Path, energies: np.ndarray, out_path: Path, batch_size: int = 1000,
                       seed: int = 0) -> str:
    """Showers from an exported sampler with onnxruntime; returns its name.

    The noise is drawn exactly as ``generate_with_model`` draws it (torch's generator seeded
    with ``seed``, batch by batch on the CPU), so the same seed gives the same showers from the
    ONNX graph as from PyTorch (up to floating-point rounding; INT8 graphs differ by their
    quantisation).
    """
    import torch

    from caloforge.export.onnx import OnnxSampler

    sampler = OnnxSampler(onnx_path)
    meta = sampler.metadata
    warn_outside(energies, float(meta.get("energy_min_mev", 0.0)), float(meta.get("energy_max_mev", np.inf)))
    generator = torch.Generator().manual_seed(seed)

    def sample(e: np.ndarray) -> np.ndarray:
        noise = torch.randn((len(e), *sampler.noise_shape), generator=generator).numpy()
        return np.maximum(sampler(noise, e), 0.0)

    attrs = {"geometry": str(meta.get("geometry", "")), "particle": str(meta.get("particle", "")),
             "generator": f"{meta.get('model', 'onnx')}-onnx-{meta.get('precision', 'fp32')}", "seed": seed,
             "model": str(onnx_path)}
    write_batches(out_path, int(meta.get("n_voxels", 0)), attrs, energies, batch_size, sample)
    return attrs["generator"]
