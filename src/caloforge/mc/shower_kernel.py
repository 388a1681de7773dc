"""Shower driver (numba): seeds the generator per shower and empties the particle stack."""

from __future__ import annotations

import numpy as np
from numba import njit

from caloforge.mc.charged_transport import track_charged
from caloforge.mc.heavy_transport import track_heavy
from caloforge.mc.kernel_common import MUON_MINUS, NEUTRON, P_PE, PHOTON, POSITRON, STACK_SIZE, push
from caloforge.mc.light import photo_statistics
from caloforge.mc.neutral_transport import track_neutron
from caloforge.mc.photon_transport import track_photon


@njit(cache=True)
def run_showers(seeds, ptype, energy, start, direction, geo, half_width, tab, matpar, par, showers,
                acc):  # type: ignore[no-untyped-def]
    """Simulate len(seeds) showers; fills showers (N, n_voxels) MeV and acc (N, N_ACC)."""
    st = np.empty((STACK_SIZE, 7))
    sti = np.empty((STACK_SIZE, 2), dtype=np.int64)
    for k in range(seeds.shape[0]):
        np.random.seed(seeds[k])
        n = push(st, sti, 0, ptype, 0, energy[k], start[k, 0], start[k, 1], 0.0,
                 direction[k, 0], direction[k, 1], direction[k, 2])
        while n > 0:
            n -= 1
            kind, slab = sti[n, 0], sti[n, 1]
            e, x, y, z, u, v, w = st[n, 0], st[n, 1], st[n, 2], st[n, 3], st[n, 4], st[n, 5], st[n, 6]
            if kind == PHOTON:
                n = track_photon(n, e, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, showers[k],
                                 acc[k], st, sti)
            elif kind == NEUTRON:
                n = track_neutron(n, e, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, showers[k],
                                  acc[k], st, sti)
            elif kind >= MUON_MINUS:
                n = track_heavy(n, kind, e, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, showers[k],
                                acc[k], st, sti)
            else:
                n = track_charged(n, kind == POSITRON, e, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par,
                                  showers[k], acc[k], st, sti)
        photo_statistics(showers[k], par[P_PE])
