"""Where a particle is inside a slab, and how far it is to the next surface (numba).

A plain slab is one material. A fibre slab (``geometry.FibreLattice``) holds a row of round fibres
in its mid-plane: a read-out core inside a passive ring (cladding + glue), the slab material
around them. Fibres run along y (lattice in x, ``axis`` 0) or along x (``axis`` 1), so a
fibre surface is a cylinder and the geometry is two-dimensional in (q, z), q the lattice
coordinate. Transport moves particles to the next surface exactly (ray-circle intersection),
never through one, so every deposit is booked in the region it was made in.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# slab_int columns: matrix material, readout position (-1 none), matrix read out; fibre core
# material, ring material, core read out. slab_f columns: lattice axis (-1 plain slab, 0 x, 1 y),
# pitch, offset, centre plane z, core radius, outer radius (mm).
SLAB_MAT, SLAB_READOUT, SLAB_ACTIVE, SLAB_CORE_MAT, SLAB_RING_MAT, SLAB_CORE_ACTIVE = range(6)
N_SLAB_INT = 6
F_AXIS, F_PITCH, F_OFFSET, F_ZC, F_R_CORE, F_R_OUT = range(6)
N_SLAB_F = 6
MATRIX, CORE, RING = 0, 1, 2
# a particle stepping onto a fibre surface is moved this far beyond it (mm), so that it is
# located in the region it enters; far below any physical length of the problem.
CROSS_EPS = 1e-6
FAR = 1e300


@njit(cache=True)
def _nearest_fibre(slab: int, x: float, y: float, z: float, slab_f: np.ndarray) -> tuple[float, float]:
    """(dq, dz) from the centre of the nearest fibre of the slab's row."""
    q = x if slab_f[slab, F_AXIS] == 0.0 else y
    pitch, offset = slab_f[slab, F_PITCH], slab_f[slab, F_OFFSET]
    k = math.floor((q - offset) / pitch + 0.5)
    return q - (offset + k * pitch), z - slab_f[slab, F_ZC]


@njit(cache=True)
def region_of(slab: int, x: float, y: float, z: float, slab_f: np.ndarray) -> int:
    if slab_f[slab, F_AXIS] < 0.0:
        return MATRIX
    dq, dz = _nearest_fibre(slab, x, y, z, slab_f)
    d2 = dq * dq + dz * dz
    if d2 < slab_f[slab, F_R_CORE] ** 2:
        return CORE
    if d2 < slab_f[slab, F_R_OUT] ** 2:
        return RING
    return MATRIX


@njit(cache=True)
def locate(slab: int, x: float, y: float, z: float, slab_int: np.ndarray, slab_f: np.ndarray) -> tuple[int, bool]:
    """(material index, read out) at a point of slab ``slab``."""
    region = region_of(slab, x, y, z, slab_f)
    if region == CORE:
        return slab_int[slab, SLAB_CORE_MAT], slab_int[slab, SLAB_CORE_ACTIVE] == 1
    if region == RING:
        return slab_int[slab, SLAB_RING_MAT], False
    return slab_int[slab, SLAB_MAT], slab_int[slab, SLAB_ACTIVE] == 1


@njit(cache=True)
def _circle_hits(pq: float, pz: float, a: float, w: float, r: float) -> tuple[float, float]:
    """Path lengths (t_in, t_out) where the ray p + t (a, w) meets the circle of radius r about
    the origin (FAR, FAR when it misses)."""
    aa = a * a + w * w
    b = pq * a + pz * w
    c = pq * pq + pz * pz - r * r
    disc = b * b - aa * c
    if aa <= 0.0 or disc <= 0.0:
        return FAR, FAR
    root = math.sqrt(disc)
    return (-b - root) / aa, (-b + root) / aa


@njit(cache=True)
def fibre_distance(slab: int, x: float, y: float, z: float, u: float, v: float, w: float, limit: float,
                   slab_f: np.ndarray) -> float:
    """Path length to the next fibre surface along (u, v, w), or FAR when there is none within
    ``limit`` (or the slab has no fibres)."""
    axis = slab_f[slab, F_AXIS]
    if axis < 0.0:
        return FAR
    a = u if axis == 0.0 else v
    rc, ro = slab_f[slab, F_R_CORE], slab_f[slab, F_R_OUT]
    dq, dz = _nearest_fibre(slab, x, y, z, slab_f)
    d2 = dq * dq + dz * dz
    if d2 < ro * ro:  # inside this fibre: leave the core, or the ring (outwards or into the core)
        if d2 < rc * rc:
            t = _circle_hits(dq, dz, a, w, rc)[1]
        else:
            t_in = _circle_hits(dq, dz, a, w, rc)[0]
            t = _circle_hits(dq, dz, a, w, ro)[1]
            if 0.0 <= t_in < t:
                t = t_in
        return t if 0.0 <= t < limit else FAR
    # in the matrix: the first fibre of the row the ray enters, walking the row along a
    pitch = slab_f[slab, F_PITCH]
    if a * a + w * w <= 0.0:
        return FAR
    if w != 0.0:  # the ray must lie within the row's band |dz| < ro
        t1, t2 = (-ro - dz) / w, (ro - dz) / w
        t_lo, t_hi = max(min(t1, t2), 0.0), min(max(t1, t2), limit)
        if t_lo >= t_hi:
            return FAR
    elif abs(dz) >= ro:
        return FAR
    else:
        t_lo, t_hi = 0.0, limit
    if a == 0.0:  # moving in z only: only the nearest fibre can be met
        t_in, t_out = _circle_hits(dq, dz, 0.0, w, ro)
        return max(t_in, 0.0) if t_out > 0.0 and t_in < limit else FAR
    step = 1.0 if a > 0.0 else -1.0
    q_end = dq + a * t_hi  # lattice coordinate (from the nearest centre) where the search ends
    k = math.floor((dq + a * t_lo) / pitch + 0.5) - step
    while step * (k * pitch - q_end) <= ro:
        t_in, t_out = _circle_hits(dq - k * pitch, dz, a, w, ro)
        if t_out > 0.0 and t_in < FAR:  # circles are disjoint: the first one met along q is the first in t
            return max(t_in, 0.0) if t_in < limit else FAR
        k += step
    return FAR


@njit(cache=True)
def fibre_safety(slab: int, x: float, y: float, z: float, slab_f: np.ndarray) -> float:
    """Distance to the nearest fibre surface in any direction (FAR in a plain slab)."""
    if slab_f[slab, F_AXIS] < 0.0:
        return FAR
    dq, dz = _nearest_fibre(slab, x, y, z, slab_f)
    d = math.sqrt(dq * dq + dz * dz)
    rc, ro = slab_f[slab, F_R_CORE], slab_f[slab, F_R_OUT]
    if d < rc:
        return rc - d
    if d < ro:
        return min(d - rc, ro - d)
    return d - ro


@njit(cache=True)
def surface_distance(slab: int, x: float, y: float, z: float, u: float, v: float, w: float, reach: float,
                     slab_f: np.ndarray) -> float:
    """``fibre_distance`` within ``reach``, skipped when the nearest fibre is farther than that."""
    if fibre_safety(slab, x, y, z, slab_f) >= reach:
        return FAR
    return fibre_distance(slab, x, y, z, u, v, w, reach, slab_f)


@njit(cache=True)
def choose_step(s_int: float, s_max: float, s_b: float, s_f: float) -> tuple[float, bool, bool, bool]:
    """A charged particle's step: (length, onto the slab's z surface, ends in the sampled
    interaction, onto a fibre surface) from the interaction, step-limit, slab and fibre distances."""
    if s_f < FAR:
        return s_f + CROSS_EPS, False, False, True
    at_boundary = s_b <= min(s_int, s_max)
    return min(s_int, s_max, s_b), at_boundary, (not at_boundary) and s_int <= s_max, False


@njit(cache=True)
def step_end(slab: int, x: float, y: float, z: float, u: float, v: float, w: float, s: float, dx: float, dy: float,
             dz: float, at_boundary: bool, at_fibre: bool, zlo: float, zhi: float,
             slab_f: np.ndarray) -> tuple[float, float, float]:
    """End point of a step of length s with multiple-scattering displacement (dx, dy, dz): none
    across a fibre surface, none in z across the slab's surface, clamped inside the slab
    otherwise, and shortened to the fibre safety of the straight end point, which lies in the
    step's own region (no surface is on the ray), so the particle never lands in another region."""
    if at_fibre:
        return x + s * u, y + s * v, z + s * w
    if at_boundary:
        return x + s * u + dx, y + s * v + dy, (zhi if w > 0.0 else zlo)
    ex, ey, ez = x + s * u, y + s * v, z + s * w
    if slab_f[slab, F_AXIS] >= 0.0:
        size = math.sqrt(dx * dx + dy * dy + dz * dz)
        room = 0.99 * fibre_safety(slab, ex, ey, ez, slab_f)
        if size > room:
            k = room / size
            dx, dy, dz = k * dx, k * dy, k * dz
    return ex + dx, ey + dy, min(max(ez + dz, zlo), zhi)
