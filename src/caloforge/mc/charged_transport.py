"""Electron and positron transport (numba): condensed-history steps with restricted continuous
loss, Highland multiple scattering (correlated angle and lateral displacement per plane, PDG
eq. 34.20), discrete bremsstrahlung, Moller/Bhabha delta rays and annihilation in flight, range
rejection deep inside a slab, and annihilation at rest into two 511 keV photons."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.mc.electron import (
    delta_cos,
    highland_theta0,
    sample_annihilation,
    sample_bhabha,
    sample_brems_photon,
    sample_moller,
)
from caloforge.mc.kernel_common import (
    ELECTRON,
    ME,
    N_STEPS,
    P_ECUT,
    P_GCUT,
    P_RR,
    P_STEP_RANGE,
    P_STEP_X0,
    PHOTON,
    TRACK_LENGTH,
    boundary_distance,
    escape,
    grid_index,
    lookup,
    push,
    relocate,
)
from caloforge.mc.kinematics import isotropic, perp_basis, rotate, tsai_cos_theta
from caloforge.mc.light import deposit_step, deposit_stopped
from caloforge.mc.materials_table import EM_DEDX, EP_DEDX, LIGHT_E, MP_BOHR, MP_FC4, MP_LNZ43, MP_X0, MP_Z13
from caloforge.mc.navigation import choose_step, fibre_safety, locate, step_end, surface_distance

INV_SQRT12 = 1.0 / math.sqrt(12.0)
# offsets of the e+ rows from the e- rows (EP_* = EM_* + 4, annihilation after them)
Q_DEDX, Q_RANGE, Q_BREM, Q_DELTA, Q_ANNIH = 0, 1, 2, 3, 4


@njit(cache=True)
def annihilate_at_rest(st, sti, n, slab, x, y, z):  # type: ignore[no-untyped-def]
    """Two back-to-back 511 keV photons, isotropic."""
    u, v, w = isotropic()
    n = push(st, sti, n, PHOTON, slab, ME, x, y, z, u, v, w)
    return push(st, sti, n, PHOTON, slab, ME, x, y, z, -u, -v, -w)


@njit(cache=True)
def msc_step(t_mid, s, x0, u, v, w):  # type: ignore[no-untyped-def]
    """Lateral displacement (d1, d2 along e1, e2) and new direction after an electron step of s mm."""
    return deflect(min(highland_theta0(t_mid, s / x0), 1.5), s, u, v, w)


@njit(cache=True)
def deflect(theta0, s, u, v, w):  # type: ignore[no-untyped-def]
    """Displacement (dx, dy, dz) and new direction after a step of s mm with plane-projected
    scattering width ``theta0`` (rad): correlated angle and offset per plane (PDG eq. 34.20)."""
    e1x, e1y, e1z, e2x, e2y, e2z = perp_basis(u, v, w)
    z1a, z2a, z1b, z2b = np.random.normal(), np.random.normal(), np.random.normal(), np.random.normal()
    d1 = s * theta0 * (z1a * INV_SQRT12 + 0.5 * z2a)
    d2 = s * theta0 * (z1b * INV_SQRT12 + 0.5 * z2b)
    dx, dy, dz = d1 * e1x + d2 * e2x, d1 * e1y + d2 * e2y, d1 * e1z + d2 * e2z
    ta, tb = z2a * theta0, z2b * theta0
    theta = min(math.sqrt(ta * ta + tb * tb), math.pi)
    if theta > 0.0:
        ct, stt = math.cos(theta), math.sin(theta) / theta
        un = ct * u + stt * (ta * e1x + tb * e2x)
        vn = ct * v + stt * (ta * e1y + tb * e2y)
        wn = ct * w + stt * (ta * e1z + tb * e2z)
        norm = 1.0 / math.sqrt(un * un + vn * vn + wn * wn)
        u, v, w = un * norm, vn * norm, wn * norm
    return dx, dy, dz, u, v, w


@njit(cache=True)
def straggle(mean: float, t_mid: float, s: float, cut: float, positron: bool, bohr: float) -> float:
    """Restricted loss with fluctuations: a gamma distribution with the mean loss and Bohr's
    variance for transfers up to T_max = min(cut, T/2 (e-) or T (e+)), skewed like Landau's for
    thin layers (where sampling calorimeters read out) and Gaussian for thick ones."""
    if mean <= 0.0:
        return 0.0
    tmax = min(cut, t_mid if positron else 0.5 * t_mid)
    gam = t_mid / ME + 1.0
    beta2 = 1.0 - 1.0 / (gam * gam)
    var = bohr * s * tmax * (1.0 - 0.5 * beta2) / beta2
    if var <= 0.0:
        return mean
    shape = mean * mean / var
    return np.random.gamma(shape, mean / shape)


@njit(cache=True)
def track_charged(n, positron, t, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, shower, acc, st,
                  sti):  # type: ignore[no-untyped-def]
    """Transport one e- (positron=False) or e+ until it stops or escapes; returns the stack size."""
    z_edges, slab_int, slab_f = geo[0], geo[1], geo[2]
    n_slab = z_edges.shape[0] - 1
    n_grid = tab.shape[2]
    gcut, ecut = par[P_GCUT], par[P_ECUT]
    q0 = EP_DEDX if positron else EM_DEDX
    rest = 2.0 * ME if positron else 0.0
    while True:
        if t <= ecut:
            deposit_stopped(t, LIGHT_E, slab, x, y, z, geo, tab, par, shower, acc)
            return annihilate_at_rest(st, sti, n, slab, x, y, z) if positron else n
        m, active = locate(slab, x, y, z, slab_int, slab_f)
        x0 = matpar[m, MP_X0]
        i, frac = grid_index(t, par, n_grid)
        rng = lookup(tab, m, q0 + Q_RANGE, i, frac)
        zlo, zhi = z_edges[slab], z_edges[slab + 1]
        if t < par[P_RR] and rng < min(z - zlo, zhi - z, fibre_safety(slab, x, y, z, slab_f)):
            # range rejection: the particle cannot leave this slab (or fibre region)
            deposit_stopped(t, LIGHT_E, slab, x, y, z, geo, tab, par, shower, acc)
            acc[TRACK_LENGTH] += rng
            return annihilate_at_rest(st, sti, n, slab, x, y, z) if positron else n
        sig_b = lookup(tab, m, q0 + Q_BREM, i, frac)
        sig_d = lookup(tab, m, q0 + Q_DELTA, i, frac)
        sig_a = lookup(tab, m, q0 + Q_ANNIH, i, frac) if positron else 0.0
        sig = sig_b + sig_d + sig_a
        s_int = -math.log(1.0 - np.random.random()) / sig if sig > 0.0 else 1e300
        s_max = max(min(par[P_STEP_X0] * x0, par[P_STEP_RANGE] * rng), 1e-4)
        s_b = boundary_distance(z, w, zlo, zhi)
        s_f = surface_distance(slab, x, y, z, u, v, w, min(s_int, s_max, s_b), slab_f)
        s, at_boundary, interact, at_fibre = choose_step(s_int, s_max, s_b, s_f)
        # continuous loss, mid-step energy
        de = lookup(tab, m, q0 + Q_DEDX, i, frac) * s
        if de < t:
            i2, f2 = grid_index(max(t - 0.5 * de, 1e-3), par, n_grid)
            de = lookup(tab, m, q0 + Q_DEDX, i2, f2) * s
        t_mid = max(t - 0.5 * de, 0.5 * t)
        de = min(straggle(de, t_mid, s, ecut, positron, matpar[m, MP_BOHR]), t)
        dx, dy, dz, un, vn, wn = msc_step(t_mid, s, x0, u, v, w)
        nx, ny, nz = step_end(slab, x, y, z, u, v, w, s, dx, dy, dz, at_boundary, at_fibre, zlo, zhi, slab_f)
        deposit_step(de, s, slab, m, active, 0.5 * (x + nx), 0.5 * (y + ny), geo, matpar, shower, acc)
        acc[N_STEPS] += 1
        acc[TRACK_LENGTH] += s
        t -= de
        if at_boundary:
            slab += 1 if w > 0.0 else -1
        elif not at_fibre:
            slab = relocate(slab, nz, z_edges)
        x, y, z, u, v, w = nx, ny, nz, un, vn, wn
        where = escape(slab, n_slab, x, y, half_width)
        if where >= 0:
            acc[where] += t + rest
            return n
        if not interact or t <= ecut:
            continue
        r = np.random.random() * sig
        if r < sig_b:
            if t > gcut:
                k = sample_brems_photon(t, gcut, matpar[m, MP_Z13], matpar[m, MP_LNZ43], matpar[m, MP_FC4])
                pu, pv, pw = rotate(u, v, w, tsai_cos_theta(t, ME), 2.0 * math.pi * np.random.random())
                n = push(st, sti, n, PHOTON, slab, k, x, y, z, pu, pv, pw)
                t -= k
        elif r < sig_b + sig_d:
            td = sample_bhabha(t, ecut) if positron else sample_moller(t, ecut)
            if td > 0.0:
                phi = 2.0 * math.pi * np.random.random()
                du, dv, dw = rotate(u, v, w, delta_cos(td, t), phi)
                n = push(st, sti, n, ELECTRON, slab, td, x, y, z, du, dv, dw)
                u, v, w = rotate(u, v, w, delta_cos(t - td, t), phi + math.pi)
                t -= td
        else:
            eps, cost = sample_annihilation(t)
            avail = t + 2.0 * ME
            phi = 2.0 * math.pi * np.random.random()
            pu, pv, pw = rotate(u, v, w, cost, phi)
            n = push(st, sti, n, PHOTON, slab, eps * avail, x, y, z, pu, pv, pw)
            p = math.sqrt(t * (t + 2.0 * ME))
            qx, qy, qz = p * u - eps * avail * pu, p * v - eps * avail * pv, p * w - eps * avail * pw
            norm = 1.0 / max(math.sqrt(qx * qx + qy * qy + qz * qz), 1e-300)
            return push(st, sti, n, PHOTON, slab, (1.0 - eps) * avail, x, y, z, qx * norm, qy * norm, qz * norm)
