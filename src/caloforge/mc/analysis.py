"""Shower observables used by the physics tests and benchmarks: profile fits, containment, resolution."""

from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit
from scipy.special import gammainc

from caloforge.geometry import Geometry, get_material


def fit_gamma_profile(edges_x0: np.ndarray, energy: np.ndarray) -> tuple[float, float, float]:
    """Fit E0 [P(a, b t_hi) - P(a, b t_lo)] to binned longitudinal deposits (Longo's gamma profile,
    PDG eq. 34.36). Returns (t_max = (a - 1)/b in X0, a, b)."""
    lo, hi = edges_x0[:-1], edges_x0[1:]

    def model(_: np.ndarray, e0: float, a: float, b: float) -> np.ndarray:
        return e0 * (gammainc(a, b * hi) - gammainc(a, b * lo))

    p0 = (energy.sum(), 4.0, 0.5)
    (e0, a, b), _ = curve_fit(model, lo, energy, p0=p0, bounds=([0, 1.01, 0.05], [np.inf, 50, 3]))
    return float((a - 1.0) / b), float(a), float(b)


def slab_edges_x0(geo: Geometry) -> np.ndarray:
    """Slab boundaries in radiation lengths (each slab in its own material's X0)."""
    return np.concatenate([[0.0], np.cumsum(geo.slab_depths_X0())])


def layer_edges_x0(geo: Geometry) -> tuple[np.ndarray, np.ndarray]:
    """(edges in X0 of depth bins that follow the readout layers, bin index of every slab).

    A bin starts at the first slab that reads out into a layer, so passive slabs belong to the
    layer in front of them (the first bin also takes any dead material in front)."""
    t = slab_edges_x0(geo)
    owner = np.array([s.readout_layer if s.active else -1 for s in geo.slabs])
    starts = [int(np.flatnonzero(owner == lid)[0]) for lid in dict.fromkeys(owner[owner >= 0].tolist())]
    starts = sorted(starts)
    edges = np.array([0.0] + [t[i] for i in starts[1:]] + [t[-1]])
    slab_bin = np.searchsorted(edges[1:-1], t[:-1] + 1e-9, side="right")
    return edges, slab_bin


def longitudinal_tmax(geo: Geometry, profile: np.ndarray) -> float:
    """t_max (X0) of the mean profile (deposits in all material), binned by readout layer."""
    edges, slab_bin = layer_edges_x0(geo)
    binned = np.bincount(slab_bin, weights=profile.mean(axis=0), minlength=len(edges) - 1)
    return fit_gamma_profile(edges, binned)[0]


def centre_of_gravity_x0(geo: Geometry, profile: np.ndarray) -> np.ndarray:
    """Energy-weighted mean depth (X0) of every shower, from its per-slab deposits."""
    t = slab_edges_x0(geo)
    mid = 0.5 * (t[1:] + t[:-1])
    return (profile * mid).sum(axis=1) / profile.sum(axis=1)


def effective_critical_energy(geo: Geometry) -> float:
    """Critical energy (MeV) of the slab stack: E_c = X0 sum_j w_j E_cj / X0_j by mass (PDG)."""
    parts = [(get_material(name), f * s.thickness) for s in geo.slabs for name, f, _ in s.composition()]
    mats = [m for m, _ in parts]
    mass = np.array([m.density * length for m, length in parts])
    w = mass / mass.sum()
    x0 = 1.0 / np.sum(w / np.array([m.X0_g_cm2 for m in mats]))
    return float(x0 * np.sum(w * np.array([m.critical_energy_mev / m.X0_g_cm2 for m in mats])))


def radial_containment(geo: Geometry, showers: np.ndarray, radii_mm: list[float]) -> list[float]:
    """Mean fraction of the deposited energy inside each radius (polar readouts, ring edges)."""
    _, _, r = geo.readout.voxel_centres
    total = showers.sum(axis=1)
    layer = geo.readout.active_layers[0]
    edges = np.asarray(layer.r_edges)
    out = []
    for radius in radii_mm:
        outer = edges[np.argmin(np.abs(edges - radius))]
        inside = showers[:, r < outer].sum(axis=1)
        out.append(float(np.mean(inside / total)))
    return out


def fit_resolution(energies_gev: np.ndarray, rel_sigma: np.ndarray,
                   errors: np.ndarray) -> tuple[float, float, float, float]:
    """Fit sigma/E = a/sqrt(E) (+) c (quadrature) with the errors of rel_sigma; returns
    (a, c, error of a, error of c) as fractions (E in GeV)."""

    def model(e: np.ndarray, a: float, c: float) -> np.ndarray:
        return np.sqrt(a * a / e + c * c)

    (a, c), cov = curve_fit(model, energies_gev, rel_sigma, p0=(0.1, 0.01), sigma=errors, absolute_sigma=True,
                            bounds=([0, 0], [1, 0.5]))
    da, dc = np.sqrt(np.diag(cov))
    return float(a), float(c), float(da), float(dc)


def fit_rear_leakage(visible: np.ndarray, rear: np.ndarray, energies: np.ndarray) -> tuple[float, float]:
    """(alpha, beta) of the calibrated energy alpha * visible + beta * rear, with ``rear`` the
    signal of the last layer(s): least squares of the relative error over showers of several
    energies. The energy leaking out of the back grows with the shower's tail, which the last
    layers sample (AMS-02 corrects its ECAL energy the same way, arXiv:1210.0316)."""
    design = np.stack([visible / energies, rear / energies], axis=1)
    (alpha, beta), *_ = np.linalg.lstsq(design, np.ones(len(energies)), rcond=None)
    return float(alpha), float(beta)


def bock_profile(e_gev: float, s_lambda: np.ndarray, x0_per_lambda: float) -> np.ndarray:
    """Mean longitudinal energy deposition dE/ds (unnormalised) of a hadron shower of e_gev at a
    depth s_lambda (interaction lengths) after its first interaction: the two-component
    parameterisation of Bock et al., NIM 186 (1981) 533, fitted to iron and uranium calorimeter
    data, dE/dx ~ w (x/X0)^(a-1) e^(-b x/X0) + (1 - w) (x/lambda)^(a-1) e^(-d x/lambda) with
    a = 0.6165 + 0.3183 ln E, b = 0.2198, d = 0.9099 - 0.0237 ln E, w = 0.4634 (E in GeV; the
    constants as the ATLAS Tile calorimeter studies quote them, e.g. Kulchitsky et al.,
    hep-ex/9912028). ``x0_per_lambda`` is X0 / lambda_I of the calorimeter."""
    a = 0.6165 + 0.3183 * np.log(e_gev)
    b, d, w = 0.2198, 0.9099 - 0.0237 * np.log(e_gev), 0.4634
    s = np.asarray(s_lambda, dtype=float)
    t = s / x0_per_lambda
    return w * t ** (a - 1.0) * np.exp(-b * t) + (1.0 - w) * s ** (a - 1.0) * np.exp(-d * s)


def bock_mean_depth(e_gev: float, x0_per_lambda: float) -> float:
    """Energy-weighted mean depth (lambda_I) after the first interaction of the Bock profile."""
    s = np.linspace(1e-5, 40.0, 400_001)
    f = bock_profile(e_gev, s, x0_per_lambda)
    return float((s * f).sum() / f.sum())


def mean_depth_after_start(profile: np.ndarray, z_mm: np.ndarray, start_mm: np.ndarray,
                           lambda_mm: float) -> float:
    """Mean over showers of the signal-weighted depth after the shower's start, in lambda_I:
    ``profile`` (N, layers) signal per layer at depths ``z_mm``, ``start_mm`` (N,) the first
    interaction of each shower."""
    w = profile / profile.sum(axis=1, keepdims=True)
    return float((((z_mm[None, :] - start_mm[:, None]) / lambda_mm) * w).sum(axis=1).mean())
