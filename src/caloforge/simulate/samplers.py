"""Numba samplers of the discrete interactions (EGS4 SLAC-265 ch. 2; Geant4 standard EM models).

Every function draws from numba's global generator (``np.random``), which the kernel seeds once
per shower, so a shower depends only on the run seed and its global index. Energies MeV.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.units import ELECTRON_MASS

M_E = ELECTRON_MASS


@njit(cache=True)
def rotate(ux: float, uy: float, uz: float, cost: float, phi: float) -> tuple[float, float, float]:
    """Direction at polar angle acos(cost), azimuth phi about (ux, uy, uz) (unit vectors)."""
    sint = math.sqrt(max(0.0, 1.0 - cost * cost))
    cp, sp = math.cos(phi), math.sin(phi)
    perp = 1.0 - uz * uz
    if perp > 1e-10:
        den = math.sqrt(perp)
        nx = ux * cost + sint * (ux * uz * cp - uy * sp) / den
        ny = uy * cost + sint * (uy * uz * cp + ux * sp) / den
        nz = uz * cost - sint * cp * den
    else:
        nx, ny, nz = sint * cp, sint * sp, (cost if uz > 0 else -cost)
    norm = math.sqrt(nx * nx + ny * ny + nz * nz)
    return nx / norm, ny / norm, nz / norm


@njit(cache=True)
def isotropic() -> tuple[float, float, float]:
    """A uniformly distributed unit vector."""
    cost = 2.0 * np.random.random() - 1.0
    phi = 2.0 * math.pi * np.random.random()
    sint = math.sqrt(max(0.0, 1.0 - cost * cost))
    return sint * math.cos(phi), sint * math.sin(phi), cost


@njit(cache=True)
def small_angle_u() -> float:
    """Tsai/Geant4 angular variable u of brems photons and pair leptons: theta = u m / E."""
    scale = 1.6 if np.random.random() < 0.25 else 1.6 / 3.0
    return -math.log(max(np.random.random() * np.random.random(), 1e-300)) * scale


@njit(cache=True)
def brems_fraction(yc: float) -> float:
    """Photon energy fraction y = k/T in [yc, 1]: dsigma/dy ~ (1 - y + 0.75 y^2)/y (PDG 34.29)."""
    while True:
        y = yc * math.exp(-math.log(yc) * np.random.random())
        if np.random.random() <= 1.0 - y + 0.75 * y * y:
            return y


@njit(cache=True)
def moller_fraction(t: float, cut: float) -> float:
    """Delta-ray energy fraction for an electron of kinetic energy t (G4MollerBhabhaModel)."""
    xmin, xmax = cut / t, 0.5
    gamma = t / M_E + 1.0
    gg = (2.0 * gamma - 1.0) / (gamma * gamma)
    y = 1.0 - xmax
    grej = 1.0 - gg * xmax + xmax * xmax * (1.0 - gg + (1.0 - gg * y) / (y * y))
    while True:
        q = np.random.random()
        x = xmin * xmax / (xmin * (1.0 - q) + xmax * q)
        y = 1.0 - x
        z = 1.0 - gg * x + x * x * (1.0 - gg + (1.0 - gg * y) / (y * y))
        if grej * np.random.random() <= z:
            return x


@njit(cache=True)
def bhabha_fraction(t: float, cut: float) -> float:
    """Delta-ray energy fraction for a positron of kinetic energy t (G4MollerBhabhaModel)."""
    xmin, xmax = cut / t, 1.0
    gamma = t / M_E + 1.0
    beta2 = 1.0 - 1.0 / (gamma * gamma)
    y = 1.0 / (1.0 + gamma)
    y2 = y * y
    y12 = 1.0 - 2.0 * y
    b1 = 2.0 - y2
    b2 = y12 * (3.0 + y2)
    y122 = y12 * y12
    b4 = y122 * y12
    b3 = b4 + y122
    xx = xmin * xmin
    grej = 1.0 + (xx * xx * b4 - xmin * xx * b3 + xx * b2 - xmin * b1) * beta2
    while True:
        q = np.random.random()
        x = xmin * xmax / (xmin * (1.0 - q) + xmax * q)
        xx = x * x
        z = 1.0 + (xx * xx * b4 - x * xx * b3 + xx * b2 - x * b1) * beta2
        if grej * np.random.random() <= z:
            return x


@njit(cache=True)
def compton_fraction(k: float) -> float:
    """Scattered-photon energy fraction eps = k'/k, Klein-Nishina (Butcher-Messel sampling)."""
    e0m = k / M_E
    eps0 = 1.0 / (1.0 + 2.0 * e0m)
    eps0sq = eps0 * eps0
    alpha1 = -math.log(eps0)
    alpha2 = alpha1 + 0.5 * (1.0 - eps0sq)
    while True:
        if alpha1 > alpha2 * np.random.random():
            eps = math.exp(-alpha1 * np.random.random())
            epssq = eps * eps
        else:
            epssq = eps0sq + (1.0 - eps0sq) * np.random.random()
            eps = math.sqrt(epssq)
        onecost = (1.0 - eps) / (eps * e0m)
        sint2 = onecost * (2.0 - onecost)
        if 1.0 - eps * sint2 / (1.0 + epssq) >= np.random.random():
            return eps


@njit(cache=True)
def _screen1(d: float) -> float:
    return 42.24 - 8.368 * math.log(d + 0.952) if d > 1.0 else 42.392 - d * (7.796 - 1.961 * d)


@njit(cache=True)
def _screen2(d: float) -> float:
    return 42.24 - 8.368 * math.log(d + 0.952) if d > 1.0 else 41.405 - d * (5.828 - 0.8945 * d)


@njit(cache=True)
def pair_fraction(k: float, z: float) -> float:
    """Electron energy fraction eps = E-/k of a pair, Bethe-Heitler with screening and Coulomb
    correction (Butcher-Messel two-branch method as in G4BetheHeitlerModel); uniform below 2 MeV."""
    eps0 = M_E / k
    if k < 2.0:
        return eps0 + (1.0 - 2.0 * eps0) * np.random.random()
    fz = 8.0 * math.log(z) / 3.0
    if k > 50.0:
        a2 = (z / 137.036) ** 2
        fz += 8.0 * a2 * (1.0 / (1.0 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2 * a2)
    screenfac = 136.0 * eps0 / z ** (1.0 / 3.0)
    screenmax = math.exp((42.24 - fz) / 8.368) - 0.952
    screenmin = min(4.0 * screenfac, screenmax)
    eps1 = 0.5 - 0.5 * math.sqrt(max(0.0, 1.0 - screenmin / screenmax))
    epsmin = max(eps0, eps1)
    epsrange = 0.5 - epsmin
    f10 = _screen1(screenmin) - fz
    f20 = _screen2(screenmin) - fz
    norm1 = max(f10 * epsrange * epsrange, 0.0)
    norm2 = max(1.5 * f20, 0.0)
    if norm1 + norm2 <= 0.0:
        return epsmin + 2.0 * epsrange * np.random.random()
    while True:
        if norm1 / (norm1 + norm2) > np.random.random():
            eps = 0.5 - epsrange * np.random.random() ** (1.0 / 3.0)
            greject = (_screen1(screenfac / (eps * (1.0 - eps))) - fz) / f10
        else:
            eps = epsmin + epsrange * np.random.random()
            greject = (_screen2(screenfac / (eps * (1.0 - eps))) - fz) / f20
        if greject >= np.random.random():
            break
    return eps if np.random.random() < 0.5 else 1.0 - eps


@njit(cache=True)
def annihilation_photon(t: float) -> tuple[float, float]:
    """(energy fraction of the first photon, its cos theta) for e+ annihilation in flight
    (Heitler; G4eeToTwoGammaModel). The second photon follows from momentum conservation."""
    tau = t / M_E
    tau2 = tau + 2.0
    sqgrate = math.sqrt(tau / tau2) * 0.5
    sqg2m1 = math.sqrt(tau * tau2)
    epsmin, epsmax = 0.5 - sqgrate, 0.5 + sqgrate
    ratio = math.log(epsmax / epsmin)
    gam = tau + 1.0
    while True:
        eps = epsmin * math.exp(ratio * np.random.random())
        greject = 1.0 - eps + (2.0 * gam * eps - 1.0) / (eps * tau2 * tau2)
        if greject >= np.random.random():
            break
    cost = (eps * tau2 - 1.0) / (eps * sqg2m1)
    return eps, min(1.0, max(-1.0, cost))
