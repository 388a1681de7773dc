"""ONNX export of a model's sampler, INT8 post-training quantization, and ONNX Runtime inference.

The exported graph is the model's deterministic sampler (``model.export_sampler()``): inputs are
the latent noise and the incident energy in MeV, the output is the shower in MeV in the
geometry's voxel order. The contract (names, shapes, dtypes) is stored in the ONNX metadata and
documented in README.md so that a C++ user (e.g. a Geant4 fast-simulation hook) can call it.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from caloforge.atomic import atomic_path
from caloforge.errors import InputError

NOISE, ENERGY, SHOWERS = "noise", "incident_energy", "showers"


class _EnergyColumn(torch.nn.Module):
    """Adapter: the ONNX contract takes energies as an (N, 1) column, the sampler as (N,).

    A model trained on several particles is exported for one of them: its one-hot is a constant
    of the graph, so the contract keeps two inputs.
    """

    def __init__(self, sampler: torch.nn.Module, particle_onehot: torch.Tensor | None = None) -> None:
        super().__init__()
        self.sampler = sampler
        self.particle_onehot = particle_onehot

    def forward(self, noise: torch.Tensor, incident_energy: torch.Tensor) -> torch.Tensor:
        energies = incident_energy.reshape(-1)
        if self.particle_onehot is None:
            return self.sampler(noise, energies)
        onehot = self.particle_onehot.to(noise.dtype).reshape(1, -1).expand(energies.shape[0], -1)
        return self.sampler(noise, energies, onehot)


def export_onnx(sampler: torch.nn.Module, noise_shape: tuple[int, ...], path: str | os.PathLike[str],
                metadata: dict[str, Any] | None = None, particle_onehot: torch.Tensor | None = None) -> None:
    """Export ``sampler(noise, energy_mev) -> showers`` with a dynamic batch axis, atomically.

    ``noise_shape`` is the per-shower noise shape (without the batch axis); ``particle_onehot``
    fixes the particle of a multi-particle model.
    """
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # e.g. "torchvision is not installed"
    if particle_onehot is not None and hasattr(sampler, "for_particle"):
        sampler = sampler.for_particle(particle_onehot)  # only the map of that particle
    module = _EnergyColumn(sampler.eval(), particle_onehot).eval()
    noise = torch.zeros((2, *noise_shape))
    energy = torch.full((2, 1), 1e4)
    batch = torch.export.Dim("batch", min=1)
    with atomic_path(path) as tmp, warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            module, (noise, energy), input_names=[NOISE, ENERGY], output_names=[SHOWERS],
            dynamic_shapes=({0: batch}, {0: batch}), dynamo=True, verbose=False,
        )
        program.save(str(tmp))
        _add_metadata(tmp, {"noise_shape": list(noise_shape), "precision": "fp32", **(metadata or {})})


def _add_metadata(path: Path, metadata: dict[str, Any]) -> None:
    """Set (or replace) metadata entries, JSON-encoded; external weight files are folded in."""
    import onnx

    model = onnx.load(str(path))
    kept = [(p.key, p.value) for p in model.metadata_props if p.key not in metadata]
    del model.metadata_props[:]
    for key, value in kept + [(k, json.dumps(v)) for k, v in metadata.items()]:
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(path))


MIN_INT8_WEIGHTS = 16384  # MatMuls with smaller weight matrices stay FP32


def _triangular(w: np.ndarray) -> bool:
    return w.ndim == 2 and w.shape[0] == w.shape[1] and (not np.triu(w, 1).any() or not np.tril(w, -1).any())


def fp32_matmuls(model: Any, min_weights: int = MIN_INT8_WEIGHTS) -> list[str]:
    """Names of MatMul/Gemm nodes to keep in FP32 under dynamic INT8 quantisation.

    * constant weights with fewer than ``min_weights`` entries: the per-call quantisation of the
      activations costs more than a small matrix saves, and small layers are where precision
      matters (the flow's energy stage: ~200 MatMuls of 64 x 19);
    * 0/1 selection matrices (the preprocessing's voxel-to-layer sums): quantising their
      activations to 8 bits destroys the layer energies (ams-ecal flow: FPD 9 -> 293, separation
      power of E_layer_0 0.79) while the network weights tolerate it;
    * the preprocessing's other fixed matrices (initialisers named ``*.preprocessor.*``, and
      triangular square ones, which the exporter may rename after transposing them): the
      whitening's regression and Cholesky factor (``ConditionalWhitening``) carry the whole
      correlation structure of a shower in two products; only the networks are quantised.
    """
    from onnx import numpy_helper

    weights = {init.name: init for init in model.graph.initializer}
    keep = []
    for node in model.graph.node:
        if node.op_type not in ("MatMul", "Gemm") or len(node.input) < 2 or node.input[1] not in weights:
            continue
        init = weights[node.input[1]]
        w = numpy_helper.to_array(init)
        if (int(np.prod(init.dims)) < min_weights or np.isin(w, (0.0, 1.0)).all() or _triangular(w)
                or ".preprocessor." in init.name):
            keep.append(node.name)
    return keep


def quantize_int8(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """ONNX Runtime dynamic post-training quantization: INT8 weights, activations quantised per call.

    Small and 0/1 MatMuls stay FP32 (see ``fp32_matmuls``)."""
    import tempfile

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    logging.getLogger().setLevel(logging.ERROR)
    with atomic_path(target) as tmp, tempfile.TemporaryDirectory() as scratch:
        # pre-processing (shape inference, graph clean-up) avoids duplicate-name bugs of the
        # quantizer on unrolled graphs such as the flows'
        prepared = Path(scratch) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        # the quantizer splits a Gemm into "<name>_MatMul" + Add before quantising it
        exclude = [name + suffix for name in fp32_matmuls(onnx.load(str(prepared))) for suffix in ("", "_MatMul")]
        quantize_dynamic(str(prepared), str(tmp), weight_type=QuantType.QInt8, nodes_to_exclude=exclude)
        _add_metadata(tmp, {"precision": "int8"})


def _decode(value: str) -> Any:
    """Our metadata is JSON; other tools (the quantizer) add plain strings."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


class OnnxSampler:
    """Runs an exported sampler with onnxruntime on the CPU with a fixed thread count."""

    def __init__(self, path: str | os.PathLike[str], threads: int | None = None) -> None:
        import onnxruntime as ort

        path = Path(path)
        if not path.is_file():
            raise InputError(f"ONNX model {path} does not exist")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise InputError(f"{path}: not a loadable ONNX model ({str(exc).splitlines()[0]})") from None
        meta = self.session.get_modelmeta().custom_metadata_map
        self.metadata = {k: _decode(v) for k, v in meta.items()}
        if "noise_shape" not in self.metadata:
            raise InputError(f"{path}: not a CaloForge sampler (no noise_shape metadata)")
        self.noise_shape = tuple(self.metadata["noise_shape"])

    def noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Standard-normal latent noise for ``n`` showers."""
        return rng.standard_normal((n, *self.noise_shape)).astype(np.float32)

    def __call__(self, noise: np.ndarray, energies_mev: np.ndarray) -> np.ndarray:
        feeds = {NOISE: noise.astype(np.float32),
                 ENERGY: np.asarray(energies_mev, dtype=np.float32).reshape(-1, 1)}
        return self.session.run([SHOWERS], feeds)[0]
