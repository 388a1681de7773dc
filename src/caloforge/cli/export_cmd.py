"""``caloforge export``: a trained model's sampler as an ONNX file (optionally INT8)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from caloforge.cli.common import FORCE_OPTION, RUN_NOT_MODEL, handle_errors, out, refuse_existing, refuse_model_option
from caloforge.errors import InputError


@handle_errors
def export(
    run: Path = typer.Option(None, "--run", help="Run folder of a trained model."),
    onnx_path: Path = typer.Option(..., "--onnx", help="Output ONNX file."),
    int8: bool = typer.Option(False, "--int8", help="Apply ONNX Runtime dynamic INT8 quantisation."),
    particle: str = typer.Option(None, "--particle", help="For a model trained on several particles: "
                                 "the particle the exported sampler generates."),
    force: bool = FORCE_OPTION,
    model: str = RUN_NOT_MODEL,
) -> None:
    """Export the sampler: inputs noise (N, *noise_shape) and incident_energy (N, 1) in MeV,
    output showers (N, n_voxels) in MeV."""
    from caloforge.export.onnx import export_onnx, quantize_int8
    from caloforge.models import load_model

    refuse_model_option(model)
    if run is None:
        raise InputError("give the trained run folder with --run RUN_DIR")
    if not (run / "model.pt").is_file():
        raise InputError(f"{run} is not a trained run directory (no model.pt)")
    refuse_existing(onnx_path, force)
    loaded = load_model(run)
    sampler = loaded.export_sampler()
    noise_shape = tuple(sampler.noise_shape(1)[1:])
    particles = loaded.spec.particles
    if len(particles) > 1 and particle is None:
        raise InputError(f"this model was trained on {', '.join(particles)}: choose one with --particle")
    onehot = loaded.particle_onehot([particle], 1)[0] if len(particles) > 1 else None
    metadata = {"particle": particle or (particles[0] if particles else ""), "geometry": loaded.spec.geometry,
                "model": loaded.name, "n_voxels": loaded.spec.n_voxels,
                "energy_min_mev": loaded.spec.energy_min, "energy_max_mev": loaded.spec.energy_max,
                "precision": "int8" if int8 else "fp32"}
    if int8:
        with tempfile.TemporaryDirectory() as tmp:
            fp32 = Path(tmp) / "fp32.onnx"
            export_onnx(sampler, noise_shape, fp32, metadata, onehot)
            quantize_int8(fp32, onnx_path)
    else:
        export_onnx(sampler, noise_shape, onnx_path, metadata, onehot)
    out.print(f"wrote {onnx_path} (noise shape {noise_shape}, {'INT8' if int8 else 'FP32'})")
