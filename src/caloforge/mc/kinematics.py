"""Direction and position helpers of the transport kernel (numba, no allocation)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def perp_basis(u: float, v: float, w: float) -> tuple[float, float, float, float, float, float]:
    """Two unit vectors e1, e2 orthogonal to the unit direction (u, v, w) and to each other."""
    if abs(w) < 0.99999:
        st = math.sqrt(1.0 - w * w)
        return u * w / st, v * w / st, -st, -v / st, u / st, 0.0
    return 1.0, 0.0, 0.0, 0.0, 1.0, 0.0


@njit(cache=True)
def rotate(u: float, v: float, w: float, cost: float, phi: float) -> tuple[float, float, float]:
    """Direction turned by polar angle acos(cost) and azimuth phi about (u, v, w)."""
    sint = math.sqrt(max(0.0, 1.0 - cost * cost))
    e1x, e1y, e1z, e2x, e2y, e2z = perp_basis(u, v, w)
    cp, sp = math.cos(phi), math.sin(phi)
    un = cost * u + sint * (cp * e1x + sp * e2x)
    vn = cost * v + sint * (cp * e1y + sp * e2y)
    wn = cost * w + sint * (cp * e1z + sp * e2z)
    norm = 1.0 / math.sqrt(un * un + vn * vn + wn * wn)
    return un * norm, vn * norm, wn * norm


@njit(cache=True)
def isotropic() -> tuple[float, float, float]:
    cost = 2.0 * np.random.random() - 1.0
    phi = 2.0 * math.pi * np.random.random()
    sint = math.sqrt(max(0.0, 1.0 - cost * cost))
    return sint * math.cos(phi), sint * math.sin(phi), cost


@njit(cache=True)
def tsai_cos_theta(kinetic: float, mass: float) -> float:
    """Production angle of brems photons and pair leptons (Geant4 G4ModifiedTsai)."""
    umax = 2.0 * (1.0 + kinetic / mass)
    while True:
        a = 1.6 if np.random.random() < 0.25 else 1.6 / 3.0
        u = -math.log(max(np.random.random() * np.random.random(), 1e-300)) * a
        if u <= umax:
            return 1.0 - 2.0 * u * u / (umax * umax)
