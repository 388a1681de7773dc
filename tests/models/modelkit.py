"""Helpers for model tests: tiny synthetic showers (a stand-in, not physics) and tiny configs.

The synthetic source: GFlash-like longitudinal gamma profile with t_max = ln(E / E_c) - 0.5
(Grindhammer & Peters, arXiv:hep-ex/0001020) over the readout layers' depths in X0, with a
per-shower fluctuating shape; a lateral profile widening with depth around a random impact point
(Laplace projected on strips, 2-D exponential integrated over polar bins); a fluctuating sampling
fraction and Poisson photo-statistics (0.2 MeV quanta) that leave empty cells.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import yaml
from scipy import stats

from caloforge.geometry import Geometry, LayerBinning, get_geometry
from caloforge.io import Showers
from caloforge.models import DataSpec, ShowerModel, build_model, list_models, make_config
from caloforge.preprocessing import kept_voxels

MODELS = list_models()
CRITICAL_MEV = 8.0
SAMPLING = 0.1
QUANTUM_MEV = 0.2


def _layer_edges_x0(geometry: Geometry) -> np.ndarray:
    """Depth (X0) of the boundaries between readout layers: midpoints of their centres."""
    centres = geometry.layer_depth_X0()
    return np.concatenate([[0.0], 0.5 * (centres[1:] + centres[:-1]), [geometry.depth_X0()]])


def _lateral(layer: LayerBinning, x0: np.ndarray, y0: np.ndarray, width: float) -> np.ndarray:
    """Fraction of a layer's energy in each of its voxels, (n, n_voxels of the layer)."""
    if layer.kind == "strip":
        edges = (np.arange(layer.n_cells + 1) - 0.5 * layer.n_cells) * layer.pitch
        centre = x0 if layer.axis == "x" else y0
        return np.diff(stats.laplace.cdf(edges[None, :], loc=centre, scale=width), axis=1)
    x, y, _ = layer.centres()
    r_edges = np.asarray(layer.r_edges)
    area = np.tile(0.5 * (r_edges[1:] ** 2 - r_edges[:-1] ** 2) * 2 * np.pi / layer.n_alpha, layer.n_alpha)
    rho = np.hypot(x[None, :] - x0, y[None, :] - y0)
    return np.minimum(np.exp(-rho / width) / (2 * np.pi * width**2) * area, 1.0)


def synthetic_showers(n: int, seed: int, e_min: float = 1e3, e_max: float = 1e5,
                      geometry: str = "ams-ecal", sampling: float = SAMPLING) -> Showers:
    """``n`` showers at log-uniform energies in [e_min, e_max] MeV on a simulatable geometry,
    with visible fraction ``sampling``."""
    g = get_geometry(geometry)
    rng = np.random.default_rng(seed)
    energies = np.exp(rng.uniform(np.log(e_min), np.log(e_max), n))
    layers = g.readout.active_layers
    t_max = np.log(energies / CRITICAL_MEV)[:, None] - 0.5 + rng.normal(0, 0.3, (n, 1))
    b = 0.5 * np.exp(rng.normal(0, 0.05, (n, 1)))
    a = b * t_max + 1
    edges = _layer_edges_x0(g)
    profile = np.diff(stats.gamma.cdf(edges[None, :], a, scale=1 / b), axis=1)
    visible = energies[:, None] * sampling * rng.normal(1, 0.03, (n, 1)) * profile
    x0, y0 = rng.uniform(-4.5, 4.5, (2, n, 1))
    out = np.zeros((n, g.n_voxels))
    for pos, layer in enumerate(layers):
        width = 6.0 + 1.5 * 0.5 * (edges[pos] + edges[pos + 1])
        out[:, g.readout.layer_slice(g.readout.position_of(layer.id))] = visible[:, pos:pos + 1] * _lateral(
            layer, x0, y0, width)
    out = rng.poisson(out / QUANTUM_MEV) * QUANTUM_MEV
    particle = g.readout.particle
    return Showers(energies, out.astype(np.float32), {"geometry": g.name, "particle": particle})


TINY_MODEL_ARGS = {
    "diffusion": {"width": 64, "channels": 8, "depth": 1, "emb_dim": 16, "cond_width": 16, "steps": 4},
    "flow": {"energy_transforms": 2, "energy_hidden": [16], "shower_transforms": 2, "shower_hidden": [32]},
    "vae": {"latent": 4, "width": 32, "depth": 1, "cond_width": 8},
    "cgan": {"latent": 8, "width": 32, "depth": 1, "channels": 4, "mse_weight": 0.1},
}
TINY_TRAINING = {"batch_size": 64, "max_steps": 40, "val_every": 10, "log_every": 5, "checkpoint_every": 20,
                 "warmup_steps": 5, "lr": 3e-3}


def tiny_config_file(directory: Path, model: str, **training: object) -> Path:
    """A YAML run config with a tiny network and a short run."""
    path = directory / f"{model}.yaml"
    data = {"model": model, "model_args": TINY_MODEL_ARGS.get(model, {}), "training": {**TINY_TRAINING, **training}}
    path.write_text(yaml.safe_dump(data))
    return path


def tiny_model(name: str, showers: Showers, particles: tuple[str, ...] | None = None,
               particle: np.ndarray | None = None) -> ShowerModel:
    """A tiny model of family ``name`` with preprocessing fitted on ``showers`` (untrained);
    ``particles``: the particles it is conditioned on (default: the showers' one), ``particle``:
    the index of each shower's (several particles)."""
    torch.manual_seed(0)
    spec = DataSpec.from_data(get_geometry(showers.geometry), showers.energies, showers.showers,
                              particles or (showers.particle,))
    model = build_model(name, make_config(name, TINY_MODEL_ARGS.get(name)), spec)
    model.fit_preprocessing(showers.energies, showers.showers, kept_voxels(showers.showers), particle)
    return model
