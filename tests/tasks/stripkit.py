"""Synthetic strip-calorimeter showers on the ams-ecal readout (18 layers x 72 cells) with a
chosen longitudinal peak and lateral width: populations whose difference is known exactly."""

from __future__ import annotations

import numpy as np

from caloforge.geometry import get_geometry
from caloforge.io import Showers

GEOMETRY = "ams-ecal"
LIGHT_PER_MEV = 0.05


def synthetic_showers(n: int, seed: int, peak_layer: float, width_cells: float, particle: str,
                      e_gev: tuple[float, float] = (10.0, 50.0), rear_loss: float = 0.0) -> Showers:
    """Gamma-shaped longitudinal profile peaking at ``peak_layer``, Gaussian lateral profile of
    ``width_cells`` about a random centre, 10 % cell noise; ``rear_loss`` removes that share of
    the light of the last 6 layers times ln(E/GeV) / ln(100) (an injected leakage that grows with E)."""
    geo = get_geometry(GEOMETRY)
    n_layers, n_cells = len(geo.readout.layers), geo.readout.layers[0].n_cells
    rng = np.random.default_rng(seed)
    energies = np.exp(rng.uniform(np.log(e_gev[0]), np.log(e_gev[1]), n)) * 1000.0
    depth = np.arange(n_layers) + 0.5
    b = 2.0
    a = peak_layer / b + 1.0
    longit = depth ** (a - 1.0) * np.exp(-depth / b)
    longit /= longit.sum()
    cells = np.arange(n_cells)
    centre = 35.5 + rng.normal(0.0, 1.0, n)
    lateral = np.exp(-0.5 * ((cells[None, :] - centre[:, None]) / width_cells) ** 2)
    lateral /= lateral.sum(axis=1, keepdims=True)
    grid = LIGHT_PER_MEV * energies[:, None, None] * longit[None, :, None] * lateral[:, None, :]
    if rear_loss:
        scale = rear_loss * np.log(energies / 1000.0)[:, None] / np.log(100.0)
        grid[:, -6:, :] *= np.clip(1.0 - scale, 0.0, 1.0)[:, :, None]
    grid *= np.clip(1.0 + 0.1 * rng.standard_normal(grid.shape), 0.0, None)
    return Showers(energies, grid.reshape(n, -1), {"geometry": GEOMETRY, "particle": particle})
