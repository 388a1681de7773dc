"""A small synthetic shower generator for the validation tests (no Monte Carlo needed).

Longitudinal profile: GFlash-like gamma distribution dE/dt ~ t^(a-1) exp(-b t) (arXiv:hep-ex/0001020)
with t_max = ln(E/E_c) - 0.5 and per-shower fluctuations of a; lateral profile: exponential core
plus halo with per-shower radii, core fraction and a random shower-axis offset; cell energies
fluctuate Poisson-like in quanta of 0.5 MeV. Strip layers get the 1-D projection (Laplace
profile), polar layers the 2-D density times the voxel area.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import gamma

from caloforge.geometry import Geometry
from caloforge.io import Showers

CRITICAL_ENERGY = 10.0  # MeV, roughly lead/tungsten
QUANTUM = 0.5  # MeV per "quantum" of the Poisson cell fluctuations


def _lateral(geometry: Geometry, x0: np.ndarray, y0: np.ndarray, rc: np.ndarray, rt: np.ndarray,
             p: np.ndarray) -> np.ndarray:
    """(N, V) lateral weights, normalised to 1 within each layer."""
    readout = geometry.readout
    x, y, _ = readout.voxel_centres
    w = np.zeros((len(x0), readout.n_voxels))
    start = 0
    for layer in readout.active_layers:
        sl = slice(start, start + layer.n_voxels)
        start += layer.n_voxels
        c = lambda a: a[:, None]  # noqa: E731
        if layer.kind == "strip":
            u = np.abs((x[sl] - c(x0)) if layer.axis == "x" else (y[sl] - c(y0)))
            dens = c(p) * np.exp(-u / c(rc)) / c(rc) + c(1 - p) * np.exp(-u / c(rt)) / c(rt)
        else:
            d = np.hypot(x[sl] - c(x0), y[sl] - c(y0))
            edges = np.asarray(layer.r_edges)
            area = np.tile(0.5 * (edges[1:] ** 2 - edges[:-1] ** 2) * 2 * np.pi / layer.n_alpha,
                           layer.n_alpha)
            dens = (c(p) * np.exp(-d / c(rc)) / c(rc) ** 2
                    + c(1 - p) * np.exp(-d / c(rt)) / c(rt) ** 2) * area
        w[:, sl] = dens / dens.sum(axis=1, keepdims=True)
    return w


def make_showers(geometry: Geometry, n: int, seed: int, e_range: tuple[float, float] = (2e3, 5e4),
                 offset_mm: float = 2.0) -> Showers:
    """``n`` synthetic showers with log-uniform incident energies in ``e_range`` MeV."""
    rng = np.random.default_rng(seed)
    e = np.exp(rng.uniform(*np.log(e_range), n))
    depth = geometry.layer_depth_X0()
    edges = np.concatenate([[0.0], 0.5 * (depth[1:] + depth[:-1]), [depth[-1] + 0.5 * (depth[-1] - depth[-2])]])
    b = 0.5
    t_max = np.log(e / CRITICAL_ENERGY) - 0.5
    a = (b * t_max + 1) * np.exp(rng.normal(0, 0.1, n))
    long = np.diff(gamma.cdf(edges[None, :] * b, a[:, None]), axis=1)  # (N, L)
    rc = 5.0 * np.exp(rng.normal(0, 0.1, n))
    rt = 20.0 * np.exp(rng.normal(0, 0.1, n))
    p = rng.uniform(0.7, 0.9, n)
    x0 = rng.normal(offset_mm, 1.0, n)
    y0 = rng.normal(-offset_mm, 1.0, n)
    lat = _lateral(geometry, x0, y0, rc, rt, p)
    layer_of = geometry.readout.voxel_layer
    mean = 0.9 * e[:, None] * long[:, layer_of] * lat
    cells = rng.poisson(mean / QUANTUM) * QUANTUM
    return Showers(e, cells.astype(np.float32), {"geometry": geometry.name, "particle": "photon"})


def shift_one_cell(showers: Showers, geometry: Geometry) -> Showers:
    """Every layer's cells moved by one cell (strip geometries: along the strip axis)."""
    shape = geometry.readout.image_shape
    img = showers.showers.reshape(len(showers), *shape)
    return Showers(showers.energies, np.roll(img, 1, axis=-1).reshape(len(showers), -1),
                   dict(showers.attrs))


def scale_energy(showers: Showers, factor: float) -> Showers:
    return Showers(showers.energies, showers.showers * factor, dict(showers.attrs))


def with_copies(showers: Showers, n_distinct: int, seed: int) -> Showers:
    """A sample of the same size drawn from only ``n_distinct`` of its showers (collapse)."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(rng.choice(len(showers), n_distinct, replace=False), len(showers))
    return showers.subset(idx)
