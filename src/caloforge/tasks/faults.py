"""Detector faults injected into showers, to measure what the anomaly score flags: a dead
channel on the shower axis (the hottest cell of the layer with the most energy reads zero: a
dead channel far from the shower leaves no trace to flag), a hot channel (a fixed share of the
shower's visible energy added to one random cell) and a noisy layer (every cell of one random
layer that holds signal gets Gaussian noise of a fixed multiple of that layer's mean cell signal,
floored at zero)."""

from __future__ import annotations

import numpy as np

from caloforge.errors import InputError
from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.tasks.shower_shape import strip_grid

FAULTS = ("dead_cell", "hot_cell", "noisy_layer")
HOT_SHARE = 0.05  # a hot cell reads 5 % of the shower's visible energy
NOISE_SHARE = 3.0  # the noise sigma is 3x the layer's mean cell signal


def inject(showers: Showers, geometry: Geometry, fault: str, rng: np.random.Generator) -> Showers:
    """A copy of ``showers`` with one ``fault`` in every shower."""
    grid = strip_grid(geometry, showers.showers.astype(np.float64)).copy()
    n, n_layers, n_cells = grid.shape
    rows = np.arange(n)
    layer = rng.integers(0, n_layers, n)
    if fault == "noisy_layer":  # among the layers with signal: noise scaled to an empty layer is none
        lit = grid.sum(axis=2) > 0
        pick = rng.random((n, n_layers)) * lit
        layer = np.where(lit.any(axis=1), pick.argmax(axis=1), layer)
    if fault == "dead_cell":
        peak = grid.sum(axis=2).argmax(axis=1)
        grid[rows, peak, grid[rows, peak].argmax(axis=1)] = 0.0
    elif fault == "hot_cell":
        grid[rows, layer, rng.integers(0, n_cells, n)] += HOT_SHARE * grid.sum(axis=(1, 2))
    elif fault == "noisy_layer":
        sigma = NOISE_SHARE * grid[rows, layer].mean(axis=1)
        grid[rows, layer] = np.maximum(grid[rows, layer] + sigma[:, None] * rng.standard_normal((n, n_cells)), 0.0)
    else:
        raise InputError(f"unknown fault {fault!r} (use {', '.join(FAULTS)})")
    return Showers(showers.energies, grid.reshape(n, -1), {**showers.attrs, "fault": fault})
