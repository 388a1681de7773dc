"""The contenders of ``caloforge bench``: the Monte Carlo, and each model in torch and ONNX Runtime."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import numpy as np
import torch

from caloforge.bench.timing import Contender


def monte_carlo(geometry_name: str, particle: str, showers_per_call: int = 2, seed: int = 0) -> Contender:
    """The built-in Monte Carlo in this process (one core), ``showers_per_call`` per timing."""
    from caloforge.geometry import get_geometry
    from caloforge.mc import simulate

    geometry = get_geometry(geometry_name)
    calls = iter(range(10**9))

    def run(energy: float, batch: int) -> int:
        energies = np.full(batch, energy)
        simulate(geometry, particle, energies, seed + next(calls))
        return batch

    return Contender("monte-carlo", "monte-carlo", run, (showers_per_call,),
                     {"geometry": geometry_name, "particle": particle, "cores": 1})


def _onehot(model: torch.nn.Module, particle: str | None) -> torch.Tensor | None:
    """The particle's one-hot (P,) for a model trained on several particles, else None."""
    onehot = model.particle_onehot(None if particle is None else [particle], 1)  # type: ignore[operator]
    return None if onehot is None else onehot[0]


def torch_model(name: str, model: torch.nn.Module, batch_sizes: tuple[int, ...], device: str = "cpu",
                seed: int = 0, particle: str | None = None) -> Contender:
    """A model's sampler in PyTorch (noise drawn on the device, inference mode); ``particle``:
    the one to generate with a model trained on several.

    The sampler is a copy: it shares no module with ``model``, so moving it to CUDA leaves the
    CPU contenders of the same model on the CPU."""
    sampler = copy.deepcopy(model.export_sampler()).to(device)  # type: ignore[operator]
    generator = torch.Generator(device=device).manual_seed(seed)
    dev = torch.device(device)
    onehot = _onehot(model, particle)
    onehot = None if onehot is None else onehot.to(dev)

    def run(energy: float, batch: int) -> int:
        with torch.inference_mode():
            noise = torch.randn(sampler.noise_shape(batch), generator=generator, device=dev)
            particles = None if onehot is None else onehot.expand(batch, -1)
            sampler(noise, torch.full((batch,), energy, device=dev), particles)
        return batch

    sync = torch.cuda.synchronize if dev.type == "cuda" else None
    return Contender(f"{name} [torch {device}]", "model", run, batch_sizes,
                     {"model": name, "runtime": "torch", "device": device, "precision": "fp32"}, sync)


def onnx_models(name: str, model: torch.nn.Module, batch_sizes: tuple[int, ...], threads: int,
                workdir: Path, seed: int = 0, particle: str | None = None) -> list[Contender]:
    """The same sampler exported to ONNX, in FP32 and dynamically quantised INT8 (for ``particle``
    with a model trained on several: its one-hot is a constant of the graph)."""
    from caloforge.export.onnx import OnnxSampler, export_onnx, quantize_int8

    sampler = model.export_sampler()  # type: ignore[operator]
    fp32, int8 = workdir / f"{name}.onnx", workdir / f"{name}.int8.onnx"
    export_onnx(sampler, tuple(sampler.noise_shape(1)[1:]), fp32, particle_onehot=_onehot(model, particle))
    quantize_int8(fp32, int8)
    contenders = []
    for path, precision in ((fp32, "fp32"), (int8, "int8")):
        runtime = OnnxSampler(path, threads=threads)
        rng = np.random.default_rng(seed)

        def run(energy: float, batch: int, runtime: OnnxSampler = runtime, rng: np.random.Generator = rng) -> int:
            runtime(runtime.noise(batch, rng), np.full(batch, energy, dtype=np.float32))
            return batch

        contenders.append(Contender(f"{name} [onnx {precision}]", "model", run, batch_sizes,
                                    {"model": name, "runtime": "onnxruntime", "device": "cpu",
                                     "precision": precision}))
    return contenders


def scratch_dir(out: Path) -> Path:
    """A temporary folder inside ``out`` for exported models (removed by the caller)."""
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".bench-", dir=out))
