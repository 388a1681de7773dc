"""Electron and positron samplers (numba): bremsstrahlung, Moller/Bhabha delta rays, annihilation,
multiple Coulomb scattering.

Bremsstrahlung: Bethe-Heitler with EGS4 screening functions (ln k uniform, rejection on the
screened bracket, SLAC-265 sec. 2.7). Moller/Bhabha: G4MollerBhabhaModel sampling. Annihilation in
flight: Heitler, as G4eeToTwoGammaModel. Multiple scattering: Highland's theta0 (PDG eq. 34.15) with
correlated angle and lateral displacement per plane (PDG eq. 34.20). Energies MeV, lengths mm.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.units import ELECTRON_MASS

ME = ELECTRON_MASS


@njit(cache=True)
def _phi12(delta: float) -> tuple[float, float]:
    if delta > 1.0:
        f = 21.12 - 4.184 * math.log(delta + 0.952)
        return f, f
    return 20.867 - 3.242 * delta + 0.625 * delta * delta, 20.209 - 1.930 * delta - 0.086 * delta * delta


@njit(cache=True)
def sample_brems_photon(t_kin: float, k_cut: float, z13: float, lnz43: float, fc4: float) -> float:
    """Photon energy k in [k_cut, T] from the screened Bethe-Heitler spectrum."""
    e = t_kin + ME
    off = lnz43 + (fc4 if e > 50.0 else 0.0)
    fmax = 2.0 * (20.867 - off) - 2.0 / 3.0 * (20.209 - off)
    lk0 = math.log(k_cut)
    lkr = math.log(t_kin) - lk0
    while True:
        k = math.exp(lk0 + lkr * np.random.random())
        ep = e - k
        y = ep / e
        phi1, phi2 = _phi12(136.0 * ME * k / (z13 * e * ep))
        f = (1.0 + y * y) * (phi1 - off) - 2.0 / 3.0 * y * (phi2 - off)
        if np.random.random() * fmax <= f:
            return k


@njit(cache=True)
def sample_moller(t_kin: float, cut: float) -> float:
    """Kinetic energy of the Moller delta ray (cut < T_delta <= T/2); -1 if impossible."""
    xmin, xmax = cut / t_kin, 0.5
    if xmin >= xmax:
        return -1.0
    gam = t_kin / ME + 1.0
    gg = (2.0 * gam - 1.0) / (gam * gam)
    y = 1.0 - xmax
    grej = 1.0 - gg * xmax + xmax * xmax * (1.0 - gg + (1.0 - gg * y) / (y * y))
    while True:
        q = np.random.random()
        x = xmin * xmax / (xmin * (1.0 - q) + xmax * q)
        y = 1.0 - x
        z = 1.0 - gg * x + x * x * (1.0 - gg + (1.0 - gg * y) / (y * y))
        if grej * np.random.random() <= z:
            return x * t_kin


@njit(cache=True)
def sample_bhabha(t_kin: float, cut: float) -> float:
    """Kinetic energy of the Bhabha delta electron (cut < T_delta <= T); -1 if impossible."""
    xmin, xmax = cut / t_kin, 1.0
    if xmin >= xmax:
        return -1.0
    tau = t_kin / ME
    gam = tau + 1.0
    beta2 = tau * (tau + 2.0) / (gam * gam)
    y = 1.0 / (1.0 + gam)
    y2 = y * y
    y12 = 1.0 - 2.0 * y
    b1, b2 = 2.0 - y2, y12 * (3.0 + y2)
    b4 = y12 * y12 * y12
    b3 = b4 + y12 * y12
    y = xmax * xmax
    grej = 1.0 + (y * y * b4 - xmin * xmin * xmin * b3 + y * b2 - xmin * b1) * beta2
    while True:
        q = np.random.random()
        x = xmin * xmax / (xmin * (1.0 - q) + xmax * q)
        y = x * x
        z = 1.0 + (y * y * b4 - x * y * b3 + y * b2 - x * b1) * beta2
        if grej * np.random.random() <= z:
            return x * t_kin


@njit(cache=True)
def delta_cos(t_delta: float, t_kin: float) -> float:
    """cos theta of a particle with kinetic energy t_delta out of a collision of energy t_kin."""
    c = math.sqrt(t_delta * (t_kin + 2.0 * ME) / (t_kin * (t_delta + 2.0 * ME)))
    return min(c, 1.0)


@njit(cache=True)
def sample_annihilation(t_kin: float) -> tuple[float, float]:
    """(energy fraction eps of photon 1 of the available T + 2m, its cos theta), Heitler."""
    tau = t_kin / ME
    gam = tau + 1.0
    tau2 = tau + 2.0
    sqgrate = math.sqrt(tau / tau2) * 0.5
    sqg2m1 = math.sqrt(tau * tau2)
    epsmin, epsmax = 0.5 - sqgrate, 0.5 + sqgrate
    lq = math.log(epsmax / epsmin)
    while True:
        eps = epsmin * math.exp(lq * np.random.random())
        grej = 1.0 - eps + (2.0 * gam * eps - 1.0) / (eps * tau2 * tau2)
        if grej >= np.random.random():
            break
    cost = (eps * tau2 - 1.0) / (eps * sqg2m1)
    return eps, max(-1.0, min(1.0, cost))


@njit(cache=True)
def highland_theta0(t_kin: float, step_x0: float) -> float:
    """Highland's plane-projected width (rad) for a step of ``step_x0`` radiation lengths."""
    p = math.sqrt(t_kin * (t_kin + 2.0 * ME))
    beta2 = p * p / ((t_kin + ME) * (t_kin + ME))
    corr = max(1.0 + 0.038 * math.log(step_x0 / beta2), 0.3)
    return 13.6 / (p * math.sqrt(beta2)) * math.sqrt(step_x0) * corr
