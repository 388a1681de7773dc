"""Condensed-history transport of one electromagnetic shower through a stack of slabs (numba).

Particles live on an explicit stack (rows: type, kinetic energy, x, y, z, ux, uy, uz, slab),
grown by doubling. Charged particles take steps limited by the next discrete interaction, the
slab boundary, ``step_x0`` radiation lengths and 20% of the residual range; the continuous
(restricted) loss comes from the range table with Bohr straggling, the deflection from Highland's
formula (PDG eq. 34.15) applied at a random hinge point of the step, which reproduces the
correlated lateral displacement of PDG eq. 34.16-34.20. Photons fly straight to their next
interaction. Energy below the cuts is deposited where the particle stops.

Energy bookkeeping (``acct`` columns): active and passive deposits, escapes through front, back
and sides, the below-cut part of the deposits, charged track length (mm) and steps. For every
shower active + passive + escaped equals the available energy: the kinetic energy of e-, photon
energy, or kinetic energy + 2 m_e for an incident positron (released at annihilation).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.simulate import samplers as s
from caloforge.units import ELECTRON_MASS

M_E = ELECTRON_MASS
PHOTON, ELECTRON, POSITRON = 0, 1, 2
ACTIVE, PASSIVE, ESC_FRONT, ESC_BACK, ESC_SIDE, BELOW_CUT, TRACK_MM, STEPS = range(8)
N_ACCT = 8
# smallest x/(X0 beta^2) in Highland's log term: below it the per-step width would shrink with the
# step size (the condensed-history pitfall); 1e-3 keeps the log factor >= 0.74
HIGHLAND_MIN_X = 1e-3
COLS = 9


@njit(cache=True)
def lookup(row: np.ndarray, log_t0: float, inv_dlog: float, t: float) -> float:
    """Linear interpolation in ln T of a table row."""
    u = (math.log(t) - log_t0) * inv_dlog
    i = min(max(int(u), 0), row.shape[0] - 2)
    f = min(max(u - i, 0.0), 1.0)
    return row[i] * (1.0 - f) + row[i + 1] * f


@njit(cache=True)
def energy_at_range(rng: np.ndarray, grid: np.ndarray, r: float) -> float:
    """Kinetic energy whose range is ``r`` (inverse of the monotonic range table)."""
    lo, hi = 0, rng.shape[0] - 1
    if r <= rng[0]:
        return grid[0] * r / rng[0]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if rng[mid] > r:
            hi = mid
        else:
            lo = mid
    f = (r - rng[lo]) / (rng[hi] - rng[lo])
    return grid[lo] + f * (grid[hi] - grid[lo])


@njit(cache=True)
def voxel(lay_int: np.ndarray, lay_flt: np.ndarray, p: int, x: float, y: float) -> int:
    """Global voxel index of a point in readout layer position p (-1 outside every cell).

    lay_int rows: kind (0 polar, 1 strip), offset, n_r or n_cells, n_alpha, axis (0 x, 1 y);
    lay_flt rows: pitch, then the radial edges (mm)."""
    kind, offset, n_r, n_alpha = lay_int[p, 0], lay_int[p, 1], lay_int[p, 2], lay_int[p, 3]
    if n_r == 0:
        return -1
    if kind == 1:
        u = x if lay_int[p, 4] == 0 else y
        cell = int(math.floor(u / lay_flt[p, 0] + 0.5 * n_r))
        return offset + cell if 0 <= cell < n_r else -1
    r = math.sqrt(x * x + y * y)
    if r >= lay_flt[p, 1 + n_r]:
        return -1
    ir = 0
    while lay_flt[p, 2 + ir] <= r:
        ir += 1
    ia = int((math.atan2(y, x) + math.pi) / (2.0 * math.pi) * n_alpha)
    ia = min(max(ia, 0), n_alpha - 1)
    return offset + ia * n_r + ir


@njit(cache=True)
def straggle(mean: float, t: float, step: float, k_bohr: float, e_cut: float, kind: int) -> float:
    """Restricted energy loss with Bohr's variance, sampled from a Gamma distribution.

    Omega^2 = 2 pi r_e^2 m c^2 n_el s T_up (1 - beta^2/2) / beta^2 with T_up the delta-ray cut
    (PDG eq. 34.10 restricted); k_bohr = 2 pi r_e^2 m c^2 n_el (MeV^2/mm per MeV of T_up). Without
    it thin active layers would see only the mean loss below the cut and the sampling term of a
    sampling calorimeter would come out too small. Never returns more than t.
    """
    t_up = min(e_cut, 0.5 * t if kind == 1 else t)
    gamma = t / M_E + 1.0
    beta2 = 1.0 - 1.0 / (gamma * gamma)
    var = k_bohr * step * t_up * (1.0 - 0.5 * beta2) / beta2
    if var <= 0.0 or mean <= 0.0:
        return mean
    return min(np.random.gamma(mean * mean / var, var / mean), t)


@njit(cache=True)
def push(stack: np.ndarray, n: int, kind: int, t: float, x: float, y: float, z: float,
         ux: float, uy: float, uz: float, slab: int) -> np.ndarray:
    """Put a particle on row n of the stack (doubling it when full); returns the stack."""
    if n >= stack.shape[0]:
        bigger = np.empty((2 * stack.shape[0], COLS))
        bigger[: stack.shape[0]] = stack
        stack = bigger
    row = stack[n]
    row[0], row[1], row[2], row[3], row[4] = kind, t, x, y, z
    row[5], row[6], row[7], row[8] = ux, uy, uz, slab
    return stack


@njit(cache=True)
def transport_shower(kind0, t0, x0, y0, ux0, uy0, uz0, geo_f, slab_mat, slab_pos, lay_int, lay_flt,
                     log_t0, inv_dlog, grid, dedx, rng, sig_brems, sig_delta, sig_annih,
                     mu_compton, mu_pair, mu_photo, x0s, zeffs, binding, cuts,
                     shower, acct, profile):
    """Transport one shower; accumulates into ``shower`` (voxels), ``acct`` and ``profile`` (slabs).

    geo_f = (half_width mm, slab edges z...), slab_mat / slab_pos: material index and readout
    layer position (-1 passive) per slab; cuts = (e_cut, gamma_cut, step_x0) in MeV, MeV, X0.
    """
    e_cut, g_cut, step_x0 = cuts[0], cuts[1], cuts[2]
    half_width = geo_f[0]
    n_slabs = slab_mat.shape[0]
    stack = np.empty((256, COLS))
    stack = push(stack, 0, kind0, t0, x0, y0, 0.0, ux0, uy0, uz0, 0)
    n = 1
    while n > 0:
        n -= 1
        row = stack[n]
        kind, t = int(row[0]), row[1]
        x, y, z, ux, uy, uz, slab = row[2], row[3], row[4], row[5], row[6], row[7], int(row[8])
        nlam = -math.log(1.0 - np.random.random())
        alive = True
        while alive:
            acct[STEPS] += 1.0
            mat = slab_mat[slab]
            z_lo, z_hi = geo_f[1 + slab], geo_f[2 + slab]
            d_bnd = (z_hi - z) / uz if uz > 0.0 else ((z_lo - z) / uz if uz < 0.0 else 1e30)
            dep, interact, what = 0.0, False, 0
            if kind == PHOTON:
                mu_c = lookup(mu_compton[mat], log_t0, inv_dlog, t)
                mu_p = lookup(mu_pair[mat], log_t0, inv_dlog, t) if t > 2.0 * M_E else 0.0
                mu_f = lookup(mu_photo[mat], log_t0, inv_dlog, t)
                mu = mu_c + mu_p + mu_f
                d_int = nlam / mu
                if d_int >= d_bnd:
                    step, interact = d_bnd, False
                    nlam -= d_bnd * mu
                else:
                    step, interact = d_int, True
                x += step * ux
                y += step * uy
                z += step * uz
                x_dep, y_dep = x, y
                if interact:
                    alive = False
                    r = np.random.random() * mu
                    if r < mu_f:  # photoelectric: binding energy and slow photoelectrons stay here
                        te = t - binding[mat, 0] if t > binding[mat, 0] else 0.0
                        if te > e_cut:
                            stack = push(stack, n, ELECTRON, te, x, y, z, ux, uy, uz, slab)
                            n += 1
                            dep = t - te
                        else:
                            dep = t
                            acct[BELOW_CUT] += t
                    elif r < mu_f + mu_c:
                        eps = s.compton_fraction(t)
                        k1, te = eps * t, (1.0 - eps) * t
                        cost = 1.0 - (1.0 - eps) / (eps * t / M_E)
                        phi = 2.0 * math.pi * np.random.random()
                        gx, gy, gz = s.rotate(ux, uy, uz, cost, phi)
                        if k1 > g_cut:
                            stack = push(stack, n, PHOTON, k1, x, y, z, gx, gy, gz, slab)
                            n += 1
                        else:
                            dep += k1
                            acct[BELOW_CUT] += k1
                        if te > e_cut:
                            px, py, pz = t * ux - k1 * gx, t * uy - k1 * gy, t * uz - k1 * gz
                            pn = math.sqrt(px * px + py * py + pz * pz)
                            stack = push(stack, n, ELECTRON, te, x, y, z, px / pn, py / pn, pz / pn, slab)
                            n += 1
                        else:
                            dep += te
                            acct[BELOW_CUT] += te
                    else:  # pair production
                        eps = s.pair_fraction(t, zeffs[mat])
                        phi = 2.0 * math.pi * np.random.random()
                        for sign in (1, -1):
                            ee = (eps if sign == 1 else 1.0 - eps) * t
                            te = ee - M_E
                            kk = ELECTRON if sign == 1 else POSITRON
                            theta = min(s.small_angle_u() * M_E / ee, math.pi)
                            dx, dy, dz = s.rotate(ux, uy, uz, math.cos(theta), phi if sign == 1 else phi + math.pi)
                            if te > e_cut:
                                stack = push(stack, n, kk, te, x, y, z, dx, dy, dz, slab)
                                n += 1
                            else:
                                dep += te
                                acct[BELOW_CUT] += te
                                if kk == POSITRON:
                                    stack, n = _annihilate_at_rest(stack, n, x, y, z, slab)
            else:
                charge = kind - 1
                r_now = lookup(rng[charge, mat], log_t0, inv_dlog, t)
                r_cut = lookup(rng[charge, mat], log_t0, inv_dlog, e_cut)
                sb = lookup(sig_brems[mat], log_t0, inv_dlog, t)
                sd = lookup(sig_delta[charge, mat], log_t0, inv_dlog, t)
                sa = lookup(sig_annih[mat], log_t0, inv_dlog, t) if kind == POSITRON else 0.0
                sig = sb + sd + sa
                d_int = nlam / sig if sig > 0.0 else 1e30
                s_stop = max(r_now - r_cut, 0.0)
                s_lim = min(step_x0 * x0s[mat], 0.2 * r_now)
                step, what = d_int, 0  # 0 interaction, 1 boundary, 2 step limit, 3 stop
                if d_bnd < step:
                    step, what = d_bnd, 1
                if s_lim < step:
                    step, what = s_lim, 2
                if s_stop <= step:
                    step, what = s_stop, 3
                t1 = e_cut if what == 3 else energy_at_range(rng[charge, mat], grid, r_now - step)
                t1 = min(t1, t)
                if what != 3 and t1 < t:
                    t1 = t - straggle(t - t1, t, step, binding[mat, 1], e_cut, kind)
                nlam -= step * sig
                acct[TRACK_MM] += step
                xs, ys, zs = x, y, z
                x += step * ux
                y += step * uy
                z += step * uz
                # Highland multiple scattering. The deflection happens at a random hinge point
                # tau * step (tau uniform): in the small-angle limit this gives PDG's correlated
                # displacement (y_rms = s theta0 / sqrt(3), rho = sqrt(3)/2) and it never moves a
                # particle farther than its path length, which matters for slow electrons.
                tm = 0.5 * (t + t1)
                pc = math.sqrt(tm * (tm + 2.0 * M_E))
                beta2 = pc * pc / ((tm + M_E) * (tm + M_E))
                xr = max(step / x0s[mat], 1e-9)
                log_term = max(1.0 + 0.038 * math.log(max(xr / beta2, HIGHLAND_MIN_X)), 0.5)
                theta0 = 13.6 / (pc * math.sqrt(beta2)) * math.sqrt(xr) * log_term
                tha = theta0 * np.random.standard_normal()
                thb = theta0 * np.random.standard_normal()
                theta = math.sqrt(tha * tha + thb * thb)
                vx, vy, vz = ux, uy, uz
                if theta > 0.0:
                    ux, uy, uz = s.rotate(vx, vy, vz, math.cos(min(theta, math.pi)), math.atan2(thb, tha))
                if what != 1 and step > 0.0:
                    tau = np.random.random()
                    hz = zs + step * (tau * vz + (1.0 - tau) * uz)
                    if z_lo <= hz <= z_hi:
                        x = xs + step * (tau * vx + (1.0 - tau) * ux)
                        y = ys + step * (tau * vy + (1.0 - tau) * uy)
                        z = hz
                dep = t - t1
                x_dep, y_dep = 0.5 * (xs + x), 0.5 * (ys + y)
                t = t1
                if what == 0:
                    nlam = -math.log(1.0 - np.random.random())
                    stack, n, kind, t, ux, uy, uz, alive = _charged_interaction(
                        stack, n, kind, t, x, y, z, ux, uy, uz, slab, mat, log_t0, inv_dlog,
                        sig_brems, sig_delta, sig_annih, sig, e_cut, g_cut)
                if alive and (what == 3 or t <= e_cut):
                    dep += t
                    acct[BELOW_CUT] += t
                    alive = False
                    if kind == POSITRON:
                        stack, n = _annihilate_at_rest(stack, n, x, y, z, slab)
            if dep > 0.0:
                profile[slab] += dep
                p = slab_pos[slab]
                if p >= 0:
                    acct[ACTIVE] += dep
                    v = voxel(lay_int, lay_flt, p, x_dep, y_dep)
                    if v >= 0:
                        shower[v] += dep
                else:
                    acct[PASSIVE] += dep
            if not alive:
                break
            carried = t + (2.0 * M_E if kind == POSITRON else 0.0)
            if abs(x) > half_width or abs(y) > half_width:
                acct[ESC_SIDE] += carried
                break
            if kind == PHOTON and not interact or kind != PHOTON and what == 1:
                if uz > 0.0:
                    z, slab = z_hi, slab + 1
                    if slab >= n_slabs:
                        acct[ESC_BACK] += carried
                        break
                else:
                    z, slab = z_lo, slab - 1
                    if slab < 0:
                        acct[ESC_FRONT] += carried
                        break


@njit(cache=True)
def _annihilate_at_rest(stack, n, x, y, z, slab):
    """Two back-to-back 511 keV photons, isotropic (always above the photon cut)."""
    dx, dy, dz = s.isotropic()
    stack = push(stack, n, PHOTON, M_E, x, y, z, dx, dy, dz, slab)
    stack = push(stack, n + 1, PHOTON, M_E, x, y, z, -dx, -dy, -dz, slab)
    return stack, n + 2


@njit(cache=True)
def _charged_interaction(stack, n, kind, t, x, y, z, ux, uy, uz, slab, mat, log_t0, inv_dlog,
                         sig_brems, sig_delta, sig_annih, sig_start, e_cut, g_cut):
    """Brems, delta ray or annihilation in flight, chosen with the cross sections at the step end
    (a null collision when they fell below the start value used to sample the step)."""
    charge = kind - 1
    sb = lookup(sig_brems[mat], log_t0, inv_dlog, t)
    sd = lookup(sig_delta[charge, mat], log_t0, inv_dlog, t)
    sa = lookup(sig_annih[mat], log_t0, inv_dlog, t) if kind == POSITRON else 0.0
    r = np.random.random() * max(sig_start, sb + sd + sa)
    if r < sb and t > g_cut:
        k = s.brems_fraction(g_cut / t) * t
        theta = min(s.small_angle_u() * M_E / (t + M_E), math.pi)
        gx, gy, gz = s.rotate(ux, uy, uz, math.cos(theta), 2.0 * math.pi * np.random.random())
        stack = push(stack, n, PHOTON, k, x, y, z, gx, gy, gz, slab)
        return stack, n + 1, kind, t - k, ux, uy, uz, True
    if r < sb + sd:
        if (kind == ELECTRON and t <= 2.0 * e_cut) or t <= e_cut:
            return stack, n, kind, t, ux, uy, uz, True
        frac = s.moller_fraction(t, e_cut) if kind == ELECTRON else s.bhabha_fraction(t, e_cut)
        td = frac * t
        cost = math.sqrt(td * (t + 2.0 * M_E) / (t * (td + 2.0 * M_E)))
        phi = 2.0 * math.pi * np.random.random()
        dx, dy, dz = s.rotate(ux, uy, uz, min(cost, 1.0), phi)
        p0 = math.sqrt(t * (t + 2.0 * M_E))
        pd = math.sqrt(td * (td + 2.0 * M_E))
        px, py, pz = p0 * ux - pd * dx, p0 * uy - pd * dy, p0 * uz - pd * dz
        pn = math.sqrt(px * px + py * py + pz * pz)
        stack = push(stack, n, ELECTRON, td, x, y, z, dx, dy, dz, slab)
        t1 = t - td
        if pn > 0.0:
            ux, uy, uz = px / pn, py / pn, pz / pn
        return stack, n + 1, kind, t1, ux, uy, uz, True
    if r < sb + sd + sa:  # annihilation in flight: two photons, total energy t + 2 m
        eps, cost = s.annihilation_photon(t)
        total = t + 2.0 * M_E
        k1 = eps * total
        gx, gy, gz = s.rotate(ux, uy, uz, cost, 2.0 * math.pi * np.random.random())
        p0 = math.sqrt(t * (t + 2.0 * M_E))
        px, py, pz = p0 * ux - k1 * gx, p0 * uy - k1 * gy, p0 * uz - k1 * gz
        pn = math.sqrt(px * px + py * py + pz * pz)
        stack = push(stack, n, PHOTON, k1, x, y, z, gx, gy, gz, slab)
        stack = push(stack, n + 1, PHOTON, total - k1, x, y, z, px / pn, py / pn, pz / pn, slab)
        return stack, n + 2, PHOTON, 0.0, ux, uy, uz, False
    return stack, n, kind, t, ux, uy, uz, True


@njit(cache=True)
def transport_batch(kind0, energies, seeds, impact, geo_f, slab_mat, slab_pos, lay_int, lay_flt,
                    log_t0, inv_dlog, grid, dedx, rng, sig_brems, sig_delta, sig_annih,
                    mu_compton, mu_pair, mu_photo, x0s, zeffs, binding, cuts,
                    showers, acct, profile):
    """Transport ``len(energies)`` showers; numba's generator is reseeded with ``seeds[i]`` before
    shower i, so each shower is reproducible on its own. impact = (x, y, sigma_xy mm,
    sigma_theta rad): Gaussian spreads of the impact point and of the polar angle about +z."""
    for i in range(energies.shape[0]):
        np.random.seed(seeds[i])
        x = impact[0] + impact[2] * np.random.standard_normal()
        y = impact[1] + impact[2] * np.random.standard_normal()
        ux, uy, uz = 0.0, 0.0, 1.0
        if impact[3] > 0.0:
            theta = min(abs(impact[3] * np.random.standard_normal()), 0.5 * math.pi - 1e-6)
            ux, uy, uz = s.rotate(0.0, 0.0, 1.0, math.cos(theta), 2.0 * math.pi * np.random.random())
        transport_shower(kind0, energies[i], x, y, ux, uy, uz, geo_f, slab_mat, slab_pos, lay_int,
                         lay_flt, log_t0, inv_dlog, grid, dedx, rng, sig_brems, sig_delta, sig_annih,
                         mu_compton, mu_pair, mu_photo, x0s, zeffs, binding, cuts,
                         showers[i], acct[i], profile[i])
