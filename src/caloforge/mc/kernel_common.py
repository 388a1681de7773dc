"""Shared pieces of the transport kernel (numba): table lookup, readout binning, energy booking,
the particle stack and slab geometry.

Energy bookkeeping per shower (``acc`` columns, MeV): continuous losses in active / passive slabs,
local deposits of particles below the cuts (and binding energies) in active / passive slabs,
energy escaping through the front, back and sides; then the step count and the charged track
length (mm); the energy booked as invisible, given to pi0s, the nuclear interactions and the depth
of the first; and QUENCHED, the part of the active deposits that Birks' law keeps from becoming
light (the readout cells receive the light). A positron carries T + 2m (its annihilation energy)
in this bookkeeping.

``geo`` is the tuple (z_edges, slab_int, slab_f, ro_int, ro_pitch, ro_edges) of
``geometry_arrays``; slab columns in ``navigation``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.units import ELECTRON_MASS

ME = ELECTRON_MASS
PHOTON, ELECTRON, POSITRON = 0, 1, 2
MUON_MINUS, MUON_PLUS, PION_PLUS, PION_MINUS, PROTON = 3, 4, 5, 6, 7  # heavy_transport
NEUTRON = 8  # neutral_transport
(ACT_CONT, PAS_CONT, ACT_CUT, PAS_CUT, ESC_FRONT, ESC_BACK, ESC_SIDE, N_STEPS, TRACK_LENGTH, INVISIBLE, EM_FROM_PI0,
 N_NUCLEAR, FIRST_NUCLEAR_Z, QUENCHED) = range(14)
N_ACC = 14
# par columns (P_PE: photo-electrons per MeV of light, 0 = none)
P_GCUT, P_ECUT, P_RR, P_STEP_X0, P_STEP_RANGE, P_LNEMIN, P_INVDLN, P_PE = range(8)
N_PAR = 8
STACK_SIZE = 200_000


@njit(cache=True)
def grid_index(energy: float, par: np.ndarray, n_grid: int) -> tuple[int, float]:
    f = (math.log(energy) - par[P_LNEMIN]) * par[P_INVDLN]
    i = min(max(int(f), 0), n_grid - 2)
    return i, f - i


@njit(cache=True)
def lookup(tab: np.ndarray, m: int, q: int, i: int, frac: float) -> float:
    return tab[m, q, i] * (1.0 - frac) + tab[m, q, i + 1] * frac


@njit(cache=True)
def voxel_of(pos: int, x: float, y: float, ro_int: np.ndarray, ro_pitch: np.ndarray, ro_edges: np.ndarray) -> int:
    """Global voxel index of a point in readout layer ``pos`` (same rules as LayerBinning)."""
    kind = ro_int[pos, 0]
    if kind < 0:
        return -1
    n = ro_int[pos, 2]
    if kind == 1:
        coord = x if ro_int[pos, 1] == 0 else y
        cell = int(math.floor(coord / ro_pitch[pos] + 0.5 * n))
        return ro_int[pos, 4] + cell if 0 <= cell < n else -1
    r = math.sqrt(x * x + y * y)
    if r >= ro_edges[pos, n]:
        return -1
    lo, hi = 0, n  # find largest ir with edges[ir] <= r
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ro_edges[pos, mid] <= r:
            lo = mid
        else:
            hi = mid
    n_alpha = ro_int[pos, 3]
    ia = 0
    if n_alpha > 1:
        ia = int(math.floor((math.atan2(y, x) + math.pi) / (2.0 * math.pi) * n_alpha))
        ia = min(max(ia, 0), n_alpha - 1)
    return ro_int[pos, 4] + ia * n + lo


@njit(cache=True)
def deposit(e: float, light: float, local: bool, slab: int, active: bool, x: float, y: float, geo,  # type: ignore[no-untyped-def]
            shower: np.ndarray, acc: np.ndarray) -> None:
    """Book ``e`` in slab ``slab`` at (x, y); in a read-out region (``active``) its ``light``
    also fills the readout cell. When ``acc`` is longer than N_ACC, its tail is the deposit per
    slab (longitudinal profile)."""
    slab_int, ro_int, ro_pitch, ro_edges = geo[1], geo[3], geo[4], geo[5]
    if acc.shape[0] > N_ACC:
        acc[N_ACC + slab] += e
    if active:
        acc[ACT_CUT if local else ACT_CONT] += e
        acc[QUENCHED] += e - light
        pos = slab_int[slab, 1]
        if pos >= 0:
            v = voxel_of(pos, x, y, ro_int, ro_pitch, ro_edges)
            if v >= 0:
                shower[v] += light
    else:
        acc[PAS_CUT if local else PAS_CONT] += e


@njit(cache=True)
def push(st: np.ndarray, sti: np.ndarray, n: int, ptype: int, slab: int, e: float, x: float, y: float,
         z: float, u: float, v: float, w: float) -> int:
    if n >= st.shape[0]:
        raise RuntimeError("particle stack overflow")
    st[n, 0], st[n, 1], st[n, 2], st[n, 3], st[n, 4], st[n, 5], st[n, 6] = e, x, y, z, u, v, w
    sti[n, 0], sti[n, 1] = ptype, slab
    return n + 1


@njit(cache=True)
def escape(slab: int, n_slab: int, x: float, y: float, half_width: float) -> int:
    """Escape column (front/back/side) or -1 while the particle is inside."""
    if slab < 0:
        return ESC_FRONT
    if slab >= n_slab:
        return ESC_BACK
    if abs(x) > half_width or abs(y) > half_width:
        return ESC_SIDE
    return -1


@njit(cache=True)
def boundary_distance(z: float, w: float, zlo: float, zhi: float) -> float:
    if w > 0.0:
        return max(zhi - z, 0.0) / w
    if w < 0.0:
        return min(zlo - z, 0.0) / w
    return 1e300


@njit(cache=True)
def relocate(slab: int, z: float, z_edges: np.ndarray) -> int:
    """Slab containing z, walking from ``slab`` (-1 / n_slab outside the stack)."""
    n_slab = z_edges.shape[0] - 1
    while 0 <= slab < n_slab and z < z_edges[slab]:
        slab -= 1
    while 0 <= slab < n_slab and z > z_edges[slab + 1]:
        slab += 1
    return slab


