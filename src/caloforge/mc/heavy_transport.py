"""Transport of heavy charged particles (numba): muons, charged pions and protons.
Condensed-history steps with the restricted Bethe-Bloch loss and
Bohr straggling (a gamma distribution with the mean and variance of the restricted loss, skewed
like Landau's in thin layers), Highland multiple scattering with the particle's beta and
momentum, and explicit delta rays above the electron cut, handed to the e- transport.
Pions and protons also meet inelastic nuclear interactions (``hadron_interaction``) with the
interaction length of ``nuclear_xs``, drawn against the other step limits.
Below ``HEAVY_STOP`` (1 MeV; protons below ``PROTON_LOCAL``, 10 MeV) a particle stops and deposits
its kinetic energy where it is; a stopped muon's decay (or capture) is not simulated, a stopped
pion decays or is captured (``stop_pion``)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.mc.charged_transport import deflect
from caloforge.mc.hadron_interaction import PROTON_LOCAL, hadron_interaction, stop_pion
from caloforge.mc.heavy_xs import HEAVY_STOP, MUON_MASS, PION_MASS, PROTON_MASS
from caloforge.mc.kernel_common import (
    ELECTRON,
    ME,
    MUON_MINUS,
    MUON_PLUS,
    N_STEPS,
    P_ECUT,
    P_STEP_RANGE,
    P_STEP_X0,
    PION_MINUS,
    PION_PLUS,
    PROTON,
    TRACK_LENGTH,
    boundary_distance,
    escape,
    grid_index,
    lookup,
    push,
    relocate,
)
from caloforge.mc.kinematics import rotate
from caloforge.mc.light import deposit_step, deposit_stopped
from caloforge.mc.materials_table import HEAVY_BASE, LIGHT_BASE, MP_BOHR, MP_LAMBDA_N, MP_LAMBDA_PI, MP_X0
from caloforge.mc.navigation import FAR, choose_step, locate, step_end, surface_distance


@njit(cache=True)
def heavy_params(kind: int) -> tuple[int, float, bool]:
    """(species row of the tables, mass MeV, spin 1/2) of a heavy particle code (kernel_common)."""
    if kind == MUON_MINUS or kind == MUON_PLUS:
        return 0, MUON_MASS, True
    if kind == PION_PLUS or kind == PION_MINUS:
        return 1, PION_MASS, False
    return 2, PROTON_MASS, True


@njit(cache=True)
def heavy_theta0(t: float, mass: float, step_x0: float) -> float:
    """Highland's plane-projected scattering width (rad) of a unit-charge particle (PDG eq. 34.15)."""
    p = math.sqrt(t * (t + 2.0 * mass))
    beta2 = p * p / ((t + mass) * (t + mass))
    corr = max(1.0 + 0.038 * math.log(step_x0 / beta2), 0.3)
    return 13.6 / (p * math.sqrt(beta2)) * math.sqrt(step_x0) * corr


@njit(cache=True)
def heavy_tmax(t: float, mass: float) -> float:
    gam = 1.0 + t / mass
    ratio = ME / mass
    return 2.0 * ME * (gam * gam - 1.0) / (1.0 + 2.0 * gam * ratio + ratio * ratio)


@njit(cache=True)
def straggle_heavy(mean: float, t: float, mass: float, s: float, cut: float, bohr: float) -> float:
    """The restricted loss with Bohr's variance for transfers up to min(cut, T_max), as a gamma law."""
    if mean <= 0.0:
        return 0.0
    gam = 1.0 + t / mass
    beta2 = 1.0 - 1.0 / (gam * gam)
    var = bohr * s * min(cut, heavy_tmax(t, mass)) * (1.0 - 0.5 * beta2) / beta2
    if var <= 0.0:
        return mean
    shape = mean * mean / var
    return np.random.gamma(shape, mean / shape)


@njit(cache=True)
def sample_delta(t: float, mass: float, cut: float, spin_half: bool) -> float:
    """Kinetic energy of a delta ray above ``cut``: 1/T^2 sampled exactly, then the factor
    1 - beta^2 T / T_max (+ T^2 / 2E^2 for spin 1/2) by rejection."""
    tmax = heavy_tmax(t, mass)
    if tmax <= cut:
        return 0.0
    gam = 1.0 + t / mass
    beta2 = 1.0 - 1.0 / (gam * gam)
    total2 = (gam * mass) ** 2
    bound = 1.0 + (0.5 * tmax * tmax / total2 if spin_half else 0.0)
    while True:
        td = cut * tmax / (tmax - np.random.random() * (tmax - cut))
        f = 1.0 - beta2 * td / tmax + (0.5 * td * td / total2 if spin_half else 0.0)
        if f >= np.random.random() * bound:
            return td


@njit(cache=True)
def track_heavy(n, kind, t, x, y, z, u, v, w, slab, geo, half_width, tab, matpar, par, shower, acc, st,
                sti):  # type: ignore[no-untyped-def]
    """Transport one heavy particle of code ``kind`` until it stops, interacts or escapes."""
    species, mass, spin_half = heavy_params(kind)
    z_edges, slab_int, slab_f = geo[0], geo[1], geo[2]
    n_slab = z_edges.shape[0] - 1
    n_grid = tab.shape[2]
    ecut = par[P_ECUT]
    q = HEAVY_BASE + 3 * species
    stop = PROTON_LOCAL if kind == PROTON else HEAVY_STOP
    lambda_col = MP_LAMBDA_PI if species == 1 else MP_LAMBDA_N
    while True:
        if t <= stop:
            deposit_stopped(t, LIGHT_BASE + 1 + species, slab, x, y, z, geo, tab, par, shower, acc)
            if species == 1:
                return stop_pion(n, kind == PION_MINUS, x, y, z, slab, geo, tab, matpar, par, shower, acc, st, sti)
            return n
        m, active = locate(slab, x, y, z, slab_int, slab_f)
        x0 = matpar[m, MP_X0]
        i, frac = grid_index(t, par, n_grid)
        rng = lookup(tab, m, q + 1, i, frac)
        sig = lookup(tab, m, q + 2, i, frac)
        s_int = -math.log(1.0 - np.random.random()) / sig if sig > 0.0 else 1e300
        s_nuc = -math.log(1.0 - np.random.random()) * matpar[m, lambda_col] if species > 0 else 1e300
        s_max = max(min(par[P_STEP_X0] * x0, par[P_STEP_RANGE] * rng), 1e-4)
        zlo, zhi = z_edges[slab], z_edges[slab + 1]
        s_b = boundary_distance(z, w, zlo, zhi)
        s_f = surface_distance(slab, x, y, z, u, v, w, min(s_int, s_max, s_b, s_nuc), slab_f)
        nuclear = s_f >= FAR and s_nuc < min(s_int, s_max, s_b)
        if nuclear:
            s_int = s_nuc
        s, at_boundary, interact, at_fibre = choose_step(s_int, s_max, s_b, s_f)
        de = lookup(tab, m, q, i, frac) * s
        if de < t:
            i2, f2 = grid_index(max(t - 0.5 * de, 1e-3), par, n_grid)
            de = lookup(tab, m, q, i2, f2) * s
        t_mid = max(t - 0.5 * de, 0.5 * t)
        de = min(straggle_heavy(de, t_mid, mass, s, ecut, matpar[m, MP_BOHR]), t)
        theta0 = min(heavy_theta0(t_mid, mass, s / x0), 1.5)
        dx, dy, dz, un, vn, wn = deflect(theta0, s, u, v, w)
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
            acc[where] += t + (mass if species == 1 else 0.0)
            return n
        if nuclear:
            if t > stop:
                return hadron_interaction(n, kind, t, x, y, z, u, v, w, slab, geo, tab, matpar, par, shower, acc,
                                          st, sti)
            continue  # stopped on the way: no delta ray was chosen
        if not interact or t <= HEAVY_STOP:
            continue
        td = sample_delta(t, mass, ecut, spin_half)
        if 0.0 < td < t:
            p = math.sqrt(t * (t + 2.0 * mass))
            pe = math.sqrt(td * (td + 2.0 * ME))
            cost = min(td * (t + mass + ME) / (pe * p), 1.0)
            du, dv, dw = rotate(u, v, w, cost, 2.0 * math.pi * np.random.random())
            n = push(st, sti, n, ELECTRON, slab, td, x, y, z, du, dv, dw)
            t -= td
