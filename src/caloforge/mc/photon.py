"""Photon interaction samplers (numba): pair production, Compton scattering.

Pair: Bethe-Heitler with screening and Coulomb correction, Butcher-Messel two-branch sampling as
in EGS4 / Geant4 G4BetheHeitlerModel (uniform below 2 MeV). Compton: Klein-Nishina sampled as in
G4KleinNishinaCompton (free electrons at rest). Energies MeV.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.units import ELECTRON_MASS

ME = ELECTRON_MASS


@njit(cache=True)
def screen1(delta: float) -> float:
    """Geant4 ScreenFunction1 = 3 phi1 - phi2 (EGS4 screening functions)."""
    if delta > 1.0:
        return 42.24 - 8.368 * math.log(delta + 0.952)
    return 42.392 - delta * (7.796 - 1.961 * delta)


@njit(cache=True)
def screen2(delta: float) -> float:
    """Geant4 ScreenFunction2 = 1.5 phi1 + 0.5 phi2."""
    if delta > 1.0:
        return 42.24 - 8.368 * math.log(delta + 0.952)
    return 41.405 - delta * (5.828 - 0.8945 * delta)


@njit(cache=True)
def sample_pair_fraction(k: float, z13: float, lnz43: float, fc4: float) -> float:
    """Fraction eps of the photon energy k carried by the electron (total energy)."""
    eps0 = ME / k
    if k < 2.0:
        eps = eps0 + (0.5 - eps0) * np.random.random()
    else:
        fz = 2.0 * (lnz43 + (fc4 if k > 50.0 else 0.0))
        screenfac = 136.0 * eps0 / z13
        screenmax = math.exp((42.24 - fz) / 8.368) - 0.952
        screenmin = min(4.0 * screenfac, screenmax)
        eps1 = 0.5 - 0.5 * math.sqrt(1.0 - screenmin / screenmax)
        epsmin = max(eps0, eps1)
        epsrange = 0.5 - epsmin
        f10 = screen1(screenmin) - fz
        f20 = screen2(screenmin) - fz
        norm1 = max(f10 * epsrange * epsrange, 0.0)
        norm2 = max(1.5 * f20, 0.0)
        while True:
            if norm1 / (norm1 + norm2) > np.random.random():
                eps = 0.5 - epsrange * np.random.random() ** (1.0 / 3.0)
                grej = (screen1(screenfac / (eps * (1.0 - eps))) - fz) / f10
            else:
                eps = epsmin + epsrange * np.random.random()
                grej = (screen2(screenfac / (eps * (1.0 - eps))) - fz) / f20
            if grej >= np.random.random():
                break
    if np.random.random() < 0.5:
        eps = 1.0 - eps
    return eps


@njit(cache=True)
def sample_compton(k: float) -> tuple[float, float]:
    """(scattered photon energy fraction eps, cos theta of the photon), Klein-Nishina."""
    e0m = k / ME
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
            return eps, 1.0 - onecost
