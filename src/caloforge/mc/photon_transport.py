"""Photon transport (numba): free flight between slabs (Woodcock tracking through fibre slabs), pair
production, Compton scattering and photoelectric absorption, until the photon is absorbed,
converts or escapes."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.mc.kernel_common import (
    ELECTRON,
    ME,
    N_STEPS,
    P_ECUT,
    P_GCUT,
    POSITRON,
    boundary_distance,
    escape,
    grid_index,
    lookup,
    push,
)
from caloforge.mc.kinematics import rotate, tsai_cos_theta
from caloforge.mc.light import deposit_stopped
from caloforge.mc.materials_table import (
    LIGHT_E,
    MP_BIND_K,
    MP_BIND_L,
    MP_FC4,
    MP_LNZ43,
    MP_Z13,
    PH_F_COMPTON,
    PH_F_PAIR,
    PH_MU,
)
from caloforge.mc.navigation import F_AXIS, SLAB_CORE_MAT, SLAB_MAT, SLAB_RING_MAT, locate
from caloforge.mc.photon import sample_compton, sample_pair_fraction


@njit(cache=True)
def track_photon(n, e, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, shower, acc, st,
                 sti):  # type: ignore[no-untyped-def]
    """Transport one photon until it is absorbed, converts or escapes; returns the stack size."""
    z_edges, slab_int, slab_f = geo[0], geo[1], geo[2]
    n_slab = z_edges.shape[0] - 1
    n_grid = tab.shape[2]
    gcut, ecut = par[P_GCUT], par[P_ECUT]
    while True:
        if e < gcut:
            deposit_stopped(e, LIGHT_E, slab, x, y, z, geo, tab, par, shower, acc)
            return n
        i, frac = grid_index(e, par, n_grid)
        fibres = slab_f[slab, F_AXIS] >= 0.0
        if fibres:  # Woodcock tracking: fly with the largest attenuation of the slab's materials
            mu = max(lookup(tab, slab_int[slab, SLAB_MAT], PH_MU, i, frac),
                     lookup(tab, slab_int[slab, SLAB_CORE_MAT], PH_MU, i, frac),
                     lookup(tab, slab_int[slab, SLAB_RING_MAT], PH_MU, i, frac))
        else:
            mu = lookup(tab, slab_int[slab, SLAB_MAT], PH_MU, i, frac)
        s_int = -math.log(1.0 - np.random.random()) / mu
        s_b = boundary_distance(z, w, z_edges[slab], z_edges[slab + 1])
        acc[N_STEPS] += 1
        if s_b <= s_int:
            x, y = x + s_b * u, y + s_b * v
            z = z_edges[slab + 1] if w > 0 else z_edges[slab]
            slab += 1 if w > 0 else -1
            where = escape(slab, n_slab, x, y, half_width)
            if where >= 0:
                acc[where] += e
                return n
            continue
        x, y, z = x + s_int * u, y + s_int * v, z + s_int * w
        where = escape(slab, n_slab, x, y, half_width)
        if where >= 0:
            acc[where] += e
            return n
        m = slab_int[slab, SLAB_MAT]
        if fibres:  # a real interaction with probability mu(material here) / mu, else fly on
            m = locate(slab, x, y, z, slab_int, slab_f)[0]
            if np.random.random() * mu > lookup(tab, m, PH_MU, i, frac):
                continue
        r = np.random.random()
        f_pair = lookup(tab, m, PH_F_PAIR, i, frac)
        if r < f_pair:
            eps = sample_pair_fraction(e, matpar[m, MP_Z13], matpar[m, MP_LNZ43], matpar[m, MP_FC4])
            phi = 2.0 * math.pi * np.random.random()
            t_minus, t_plus = eps * e - ME, (1.0 - eps) * e - ME
            du, dv, dw = rotate(u, v, w, tsai_cos_theta(t_minus, ME), phi)
            n = push(st, sti, n, ELECTRON, slab, t_minus, x, y, z, du, dv, dw)
            du, dv, dw = rotate(u, v, w, tsai_cos_theta(t_plus, ME), phi + math.pi)
            return push(st, sti, n, POSITRON, slab, t_plus, x, y, z, du, dv, dw)
        if r < f_pair + lookup(tab, m, PH_F_COMPTON, i, frac):
            eps, cost = sample_compton(e)
            e_new = eps * e
            t_el = e - e_new
            nu, nv, nw = rotate(u, v, w, cost, 2.0 * math.pi * np.random.random())
            if t_el > ecut:
                px, py, pz = e * u - e_new * nu, e * v - e_new * nv, e * w - e_new * nw
                norm = 1.0 / math.sqrt(px * px + py * py + pz * pz)
                n = push(st, sti, n, ELECTRON, slab, t_el, x, y, z, px * norm, py * norm, pz * norm)
            else:
                deposit_stopped(t_el, LIGHT_E, slab, x, y, z, geo, tab, par, shower, acc)
            e, u, v, w = e_new, nu, nv, nw
            continue
        # photoelectric absorption: binding energy deposited on the spot (no fluorescence)
        bind = matpar[m, MP_BIND_K] if e > matpar[m, MP_BIND_K] else (
            matpar[m, MP_BIND_L] if e > matpar[m, MP_BIND_L] else 0.0)
        t_el = e - bind
        if t_el > ecut:
            deposit_stopped(bind, LIGHT_E, slab, x, y, z, geo, tab, par, shower, acc)
            return push(st, sti, n, ELECTRON, slab, t_el, x, y, z, u, v, w)
        deposit_stopped(e, LIGHT_E, slab, x, y, z, geo, tab, par, shower, acc)
        return n
