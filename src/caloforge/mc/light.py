"""Energy deposits as the readout sees them (numba): Birks' saturation of the scintillation light
and photo-electron statistics.

Birks' law: dL/dx = (dE/dx) / (1 + kB dE/dx), kB of the material (``MP_BIRKS``, 0 outside
scintillators). A transport step uses its own deposit over its length, as Geant4's
G4EmSaturation does; a particle that stops where it is (below the cuts) gives the integral of the
law over its slowing down (``materials_table`` LIGHT rows). The photo-electron count of a cell
is Poisson with mean (photo-electrons per MeV) x light; the signal is that count over the yield.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from caloforge.mc.kernel_common import deposit, grid_index, lookup
from caloforge.mc.materials_table import MP_BIRKS
from caloforge.mc.navigation import locate


@njit(cache=True)
def birks_light(de: float, s: float, kb: float) -> float:
    """Light of a step of length s (mm) that deposits de (MeV)."""
    if kb <= 0.0 or s <= 0.0:
        return de
    return de / (1.0 + kb * de / s)


@njit(cache=True)
def deposit_step(de, s, slab, m, active, x, y, geo, matpar, shower, acc):  # type: ignore[no-untyped-def]
    """The continuous loss of a step in material m (read out or not) at its mid-point (x, y)."""
    light = birks_light(de, s, matpar[m, MP_BIRKS]) if active else de
    deposit(de, light, False, slab, active, x, y, geo, shower, acc)


@njit(cache=True)
def deposit_stopped(t, row, slab, x, y, z, geo, tab, par, shower, acc):  # type: ignore[no-untyped-def]
    """A particle of kinetic t (or a binding energy) that ends at (x, y, z): all of it is deposited
    there, its light from table ``row`` of the material it stops in."""
    m, active = locate(slab, x, y, z, geo[1], geo[2])
    light = t
    if active and t > 0.0:
        i, frac = grid_index(t, par, tab.shape[2])
        light = t * min(max(lookup(tab, m, row, i, frac), 0.0), 1.0)
    deposit(t, light, True, slab, active, x, y, geo, shower, acc)


@njit(cache=True)
def photo_statistics(shower: np.ndarray, per_mev: float) -> None:
    """Replace every cell's light by its Poisson photo-electron count over the yield (in place)."""
    if per_mev <= 0.0:
        return
    for v in range(shower.shape[0]):
        if shower[v] > 0.0:
            shower[v] = np.random.poisson(shower[v] * per_mev) / per_mev
