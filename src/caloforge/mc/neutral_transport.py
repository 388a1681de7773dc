"""Transport of neutrons (numba): straight flights between inelastic nuclear interactions, with
the nucleon interaction length of each material; no ionisation and no elastic scattering."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.mc.hadron_interaction import hadron_interaction
from caloforge.mc.kernel_common import NEUTRON, boundary_distance, escape
from caloforge.mc.materials_table import MP_LAMBDA_N
from caloforge.mc.navigation import CROSS_EPS, FAR, fibre_distance, locate


@njit(cache=True)
def track_neutron(n, t, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, shower, acc, st,
                  sti):  # type: ignore[no-untyped-def]
    """Fly a neutron of kinetic t to its next interaction (then hand it to ``hadron_interaction``)
    or out of the detector (then book its energy as escaped)."""
    z_edges, slab_int, slab_f = geo[0], geo[1], geo[2]
    n_slab = z_edges.shape[0] - 1
    while True:
        m = locate(slab, x, y, z, slab_int, slab_f)[0]
        s_nuc = -math.log(1.0 - np.random.random()) * matpar[m, MP_LAMBDA_N]
        s_b = boundary_distance(z, w, z_edges[slab], z_edges[slab + 1])
        s_f = fibre_distance(slab, x, y, z, u, v, w, min(s_nuc, s_b), slab_f)
        if s_f < FAR:  # onto a fibre surface: fly there, then draw again in the next material
            s_f += CROSS_EPS
            x, y, z = x + s_f * u, y + s_f * v, z + s_f * w
            continue
        if s_b < s_nuc:
            x, y = x + s_b * u, y + s_b * v
            z = z_edges[slab + 1] if w > 0.0 else z_edges[slab]
            slab += 1 if w > 0.0 else -1
        else:
            x, y, z = x + s_nuc * u, y + s_nuc * v, z + s_nuc * w
        where = escape(slab, n_slab, x, y, half_width)
        if where >= 0:
            acc[where] += t
            return n
        if s_b >= s_nuc:
            return hadron_interaction(n, NEUTRON, t, x, y, z, u, v, w, slab, geo, tab, matpar, par, shower, acc,
                                      st, sti)
