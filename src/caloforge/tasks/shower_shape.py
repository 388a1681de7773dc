"""Shower-shape variables of a strip calorimeter (the AMS-02 ECAL: 18 layers x 72 cells), the kind
the AMS ECAL estimator feeds its BDT: the longitudinal profile (layer fractions, depth of the centre
of gravity and its spread, the energy in the last layers), the lateral shape per layer (energy
weighted width, the fraction in the 3 cells around the hottest one) and the footprint of the shower
axis (the scatter of the per-layer centres). They are computed from the cells alone, so they work
the same on Monte Carlo and on generated showers."""

from __future__ import annotations

import numpy as np

from caloforge.errors import InputError
from caloforge.geometry import Geometry
from caloforge.io import Showers

REAR_LAYERS = 2  # "rear" energy: the last two layers sample the longitudinal leakage (AMS does the same)


def strip_grid(geometry: Geometry, showers: np.ndarray) -> np.ndarray:
    """(N, layers, cells) view of the showers of a strip readout with equal layers."""
    layers = geometry.readout.layers
    if any(layer.kind != "strip" for layer in layers) or len({layer.n_cells for layer in layers}) != 1:
        raise InputError(f"the physics tasks need a strip readout with equal layers (as ams-ecal); "
                         f"{geometry.name} has another")
    return showers.reshape(len(showers), len(layers), layers[0].n_cells)


def cell_positions(geometry: Geometry) -> np.ndarray:
    """(cells,) centre of every strip cell across its layer (mm), the same for all layers."""
    layer = geometry.readout.layers[0]
    return (np.arange(layer.n_cells) - 0.5 * (layer.n_cells - 1)) * layer.pitch


def shape_feature_names(geometry: Geometry) -> list[str]:
    n = len(geometry.readout.layers)
    return (["log10_E_vis", "cog_layer", "rms_layer", "rear_fraction", "max_layer", "hit_fraction",
             "footprint_x", "footprint_y", "S1_S3", "S3_S5"]
            + [f"f_layer_{i}" for i in range(n)] + [f"width_{i}" for i in range(n)]
            + [f"S3_{i}" for i in range(n)])


def shape_features(geometry: Geometry, showers: np.ndarray) -> np.ndarray:
    """(N, features) in the order of ``shape_feature_names``; showers in MeV (or light)."""
    grid = strip_grid(geometry, np.asarray(showers, dtype=np.float64))
    n, n_layers, n_cells = grid.shape
    pos = cell_positions(geometry)
    layer_e = grid.sum(axis=2)
    total = np.maximum(layer_e.sum(axis=1), 1e-12)
    frac = layer_e / total[:, None]
    depth = np.arange(n_layers, dtype=np.float64)
    cog = (frac * depth).sum(axis=1)
    rms = np.sqrt(np.maximum((frac * (depth - cog[:, None]) ** 2).sum(axis=1), 0.0))
    rear = frac[:, -REAR_LAYERS:].sum(axis=1)
    safe_layer = np.maximum(layer_e, 1e-12)[:, :, None]
    centre = (grid * pos).sum(axis=2, keepdims=True) / safe_layer
    width = np.sqrt(np.maximum((grid * (pos - centre) ** 2).sum(axis=2) / safe_layer[:, :, 0], 0.0))
    hot = grid.argmax(axis=2)
    padded = np.pad(grid, ((0, 0), (0, 0), (2, 2)))
    idx = hot[:, :, None] + 2 + np.arange(-2, 3)[None, None, :]
    window = np.take_along_axis(padded, idx, axis=2)  # the 5 cells around the hottest one
    s1, s3, s5 = window[:, :, 2].sum(axis=1), window[:, :, 1:4].sum(axis=(1, 2)), window.sum(axis=(1, 2))
    s3_layer = window[:, :, 1:4].sum(axis=2) / safe_layer[:, :, 0]
    axes = np.array([layer.axis for layer in geometry.readout.layers])
    footprint = []
    for axis in ("x", "y"):  # energy-weighted scatter of the layer centres about the shower axis
        sel = axes == axis
        if not sel.any():
            footprint.append(np.zeros(n))
            continue
        w, c = layer_e[:, sel], centre[:, sel, 0]
        wsum = np.maximum(w.sum(axis=1), 1e-12)
        mean = (w * c).sum(axis=1) / wsum
        footprint.append(np.sqrt(np.maximum((w * (c - mean[:, None]) ** 2).sum(axis=1) / wsum, 0.0)))
    scalars = np.stack([np.log10(total), cog, rms, rear, layer_e.argmax(axis=1).astype(np.float64),
                        (grid > 0).mean(axis=(1, 2)), footprint[0], footprint[1],
                        s1 / np.maximum(s3, 1e-12), s3 / np.maximum(s5, 1e-12)], axis=1)
    return np.concatenate([scalars, frac, width, s3_layer], axis=1)


def task_inputs(geometry: Geometry, showers: Showers, use_cells: bool) -> np.ndarray:
    """What the BDTs see: the shower-shape variables, and with ``use_cells`` the cells divided
    by the visible energy in front of them."""
    cells = showers.showers.astype(np.float64)
    shape = shape_features(geometry, cells)
    if not use_cells:
        return shape
    return np.concatenate([cells / np.maximum(cells.sum(axis=1, keepdims=True), 1e-12), shape], axis=1)


def check_sample(sample: Showers, geometry: Geometry, particles: tuple[str, ...], task: str) -> None:
    """One-line errors for a sample of another particle or geometry than the task needs."""
    if sample.particle and sample.particle not in particles:
        raise InputError(f"{task} needs {' or '.join(particles)} showers, got a file of {sample.particle}")
    if sample.geometry and sample.geometry != geometry.name:
        raise InputError(f"showers of geometry {sample.geometry!r} cannot be used on {geometry.name!r}")
    if sample.n_voxels != geometry.n_voxels:
        raise InputError(f"showers have {sample.n_voxels} cells, {geometry.name} has {geometry.n_voxels}")

