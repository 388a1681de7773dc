"""Inelastic hadron-nucleus interactions (numba): a simplified, documented hadronic cascade.

One interaction of a pion, proton or neutron of kinetic energy T on a nucleus (A, Z) of the
material, chosen as in ``nuclear_xs``. The model is a Heitler-Matthews-like generation step with
a leading particle, in the spirit of the shower models of Gabriel et al. (NIM A 338 (1994) 336)
and Wigmans ("Calorimetry", ch. 2.3); every constant is named below with its origin.

* Below ``T_PRODUCTION`` (no pion production worth the name) the hadron is absorbed: its
  energy (T, + m for a pion) goes to the nuclear break-up.
* Above it, a share ``xi`` of T goes to the nucleus (intranuclear cascade): exponential with
  scale 0.7 (A/207)^(1/3) (T/GeV)^-0.45, truncated at 0.9 and at 54 MeV x A (half of the
  nucleons knocked out at most); a leading particle keeps a fraction of the rest: a pion for a
  pion (x = U^2, mean 1/3; neutral with probability ``LEAD_PI0``), a nucleon of either charge for
  a nucleon (baryon number is conserved; x = U, mean 1/2, the flat leading-baryon spectrum of pp
  collisions); the remainder makes N pions of
  random charge (+, -, 0 with 1/3 each: isospin), N Poisson with mean 1.5 (<n_ch> - 2) A^0.1 from
  the pp charged multiplicity fit <n_ch> = 0.88 + 0.44 ln s + 0.118 ln^2 s (s in GeV^2, the
  classic fit of bubble-chamber and ISR data); N = 0 is a quasi-elastic knock-out. Energies are
  shared uniformly on the simplex; transverse momenta follow p_T exp(-p_T / T0), <p_T> = 0.35
  GeV. A pi0 decays at once into two photons (isotropic in its frame) that the electromagnetic
  transport takes over.
* The constants marked "tuned" (XI_SCALE, XI_POWER, LEAD_PI0, LEAD_POWER, T_PRODUCTION) were set
  so that f_em of pion showers in iron follows Groom's 1 - (E / 1 GeV)^(0.83 - 1) within 0.04 at
  10 and 100 GeV (benchmarks/mc_speed.py); they are not fitted to hadron-nucleus data.
* Nuclear break-up of an energy E: fast ("grey") nucleons of kinetic energy ~ exponential with
  mean ``CASCADE_MEAN`` are knocked out until the nucleus keeps at most ``EXCITATION_PER_A`` * A;
  that excitation evaporates nucleons (Maxwellian with temperature ``T_EVAPORATION``; protons
  suppressed and lifted by the Coulomb barrier). Every nucleon costs ``BINDING`` MeV, which is
  invisible. Fast protons are tracked (ionisation), fast neutrons are tracked as neutral hadrons;
  evaporation protons deposit where they are born; neutrons below ``NEUTRON_TRACK_MIN`` are
  invisible (elastic n-p scattering in the scintillator is not modelled), de-excitation photons
  and nuclear recoils are not produced (their energy is invisible).
* Not modelled: charge conservation event by event, eta and strange particles, diffraction,
  elastic hadron-nucleus scattering, the energy dependence of the cross sections.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from caloforge.mc.heavy_xs import NEUTRON_MASS, PI0_MASS, PION_MASS, PROTON_MASS
from caloforge.mc.kernel_common import (
    EM_FROM_PI0,
    FIRST_NUCLEAR_Z,
    INVISIBLE,
    N_NUCLEAR,
    NEUTRON,
    PHOTON,
    PION_MINUS,
    PION_PLUS,
    PROTON,
    push,
)
from caloforge.mc.kinematics import isotropic, rotate
from caloforge.mc.light import deposit_stopped
from caloforge.mc.materials_table import LIGHT_BASE, MP_TARGETS
from caloforge.mc.navigation import locate

LIGHT_MUON, LIGHT_PROTON = LIGHT_BASE + 1, LIGHT_BASE + 3  # stopping-light rows (materials_table.HEAVY_SPECIES)

T_PRODUCTION = 1000.0  # MeV, tuned: below, the hadron is absorbed (little pion production below ~1 GeV)
XI_SCALE = 0.7  # tuned: mean nuclear share of T at 1 GeV on lead (intranuclear cascade, Wigmans 2.3)
XI_POWER = -0.45  # tuned: its fall with T
MULT_SCALE = 1.5  # produced pions of all charges per produced charged one (pp: <n_ch> - 2 leading protons)
LEAD_PI0 = 0.1  # tuned: probability that a leading pion is neutral (charge exchange)
LEAD_POWER = 2.0  # tuned: leading fraction x = U^LEAD_POWER, <x> = 1/3 on a nucleus (1/2 in pp)
# a leading nucleon keeps a flat share, <x> = 1/2: the leading-baryon effect (flat x_F of the
# leading proton in pp); it makes f_em(p) < f_em(pi) (Groom's fits put E0 ~2.6 GeV for protons)
LEAD_POWER_BARYON = 1.0
MULT_A_POWER = 0.10  # multiplicity on a nucleus: R_A = A^0.1 (~1.7 in lead)
MEAN_PT = 350.0  # MeV: <p_T> of produced hadrons
SHARE_SHAPE = 1.0  # produced pions share their energy as Dirichlet(SHARE_SHAPE): 1 is uniform on the simplex
NUCLEAR_SHARE_MAX_PER_A = 0.5 * (8.0 + 100.0)  # MeV per nucleon: at most ~half of the nucleons knocked out
BINDING = 8.0  # MeV per removed nucleon (mean binding energy, 7.5-8.8 MeV from C to Pb)
CASCADE_MEAN = 100.0  # MeV: mean kinetic energy of intranuclear-cascade nucleons
EXCITATION_PER_A = 1.0  # MeV per nucleon: the excitation a nucleus keeps for evaporation
T_EVAPORATION = 1.5  # MeV: nuclear temperature (evaporation neutrons: <T> = 2 T = 3 MeV)
NEUTRON_TRACK_MIN = 20.0  # MeV: slower neutrons are booked invisible, not tracked
PROTON_LOCAL = 10.0  # MeV: slower protons deposit where they are born (range < 1.5 mm in plastic)
PI_PLUS_DECAY_MUON = 4.12  # MeV: kinetic energy of the muon of pi+ -> mu+ nu at rest


@njit(cache=True)
def choose_target(m: int, matpar: np.ndarray) -> tuple[float, float]:
    """(A, Z) of the struck nucleus in material m."""
    r = np.random.random()
    k = 0
    while k < 3 and r > matpar[m, MP_TARGETS + 3 * k]:
        k += 1
    return matpar[m, MP_TARGETS + 3 * k + 1], matpar[m, MP_TARGETS + 3 * k + 2]


@njit(cache=True)
def emission_direction(p: float, u: float, v: float, w: float) -> tuple[float, float, float]:
    """Direction of a hadron of momentum p (MeV) with p_T ~ p_T exp(-p_T / T0) about (u, v, w)."""
    pt = np.random.gamma(2.0, 0.5 * MEAN_PT)
    if pt >= p:
        cost = 2.0 * np.random.random() - 1.0
    else:
        cost = math.sqrt(1.0 - (pt / p) ** 2)
    return rotate(u, v, w, cost, 2.0 * math.pi * np.random.random())


@njit(cache=True)
def push_nucleon(n, proton, tk, x, y, z, u, v, w, slab, geo, tab, par, shower, acc, st, sti):  # type: ignore[no-untyped-def]
    """A free nucleon of kinetic energy tk: tracked, deposited (slow protons) or invisible (slow neutrons)."""
    if proton:
        if tk > PROTON_LOCAL:
            return push(st, sti, n, PROTON, slab, tk, x, y, z, u, v, w)
        deposit_stopped(tk, LIGHT_PROTON, slab, x, y, z, geo, tab, par, shower, acc)
        return n
    if tk > NEUTRON_TRACK_MIN:
        return push(st, sti, n, NEUTRON, slab, tk, x, y, z, u, v, w)
    acc[INVISIBLE] += tk
    return n


@njit(cache=True)
def break_up(n, energy, a, zn, x, y, z, u, v, w, slab, geo, tab, par, shower, acc, st, sti):  # type: ignore[no-untyped-def]
    """Spend ``energy`` (MeV) on knocking out and evaporating nucleons of nucleus (a, zn)."""
    if a < 1.5:  # hydrogen: no nucleus to break; the energy goes to a recoil proton
        return push_nucleon(n, True, energy, x, y, z, u, v, w, slab, geo, tab, par, shower, acc, st, sti)
    rem = energy
    keep = EXCITATION_PER_A * a
    p_proton = zn / a
    nucleons = int(a) - 1  # the nucleus cannot lose more nucleons than it has
    while rem > keep and rem > BINDING + 1.0 and nucleons > 0:
        nucleons -= 1
        tk = min(rem - BINDING, -CASCADE_MEAN * math.log(1.0 - np.random.random()))
        rem -= tk + BINDING
        acc[INVISIBLE] += BINDING
        c = 1.0 - 2.0 * np.random.random() ** 2  # mildly forward: <cos> = 1/3
        du, dv, dw = rotate(u, v, w, c, 2.0 * math.pi * np.random.random())
        n = push_nucleon(n, np.random.random() < p_proton, tk, x, y, z, du, dv, dw, slab, geo, tab, par, shower,
                         acc, st, sti)
    coulomb = 0.9 * zn / a ** (1.0 / 3.0)  # MeV, proton barrier (~12 MeV in lead)
    p_evap = p_proton * math.exp(-zn / 40.0)  # Coulomb suppression: ~5 % protons from lead, ~24 % iron
    while rem > BINDING and nucleons > 0:
        nucleons -= 1
        proton = np.random.random() < p_evap
        eps = np.random.gamma(2.0, T_EVAPORATION) + (coulomb if proton else 0.0)
        eps = min(eps, rem - BINDING)
        rem -= BINDING + eps
        acc[INVISIBLE] += BINDING
        if proton:
            deposit_stopped(eps, LIGHT_PROTON, slab, x, y, z, geo, tab, par, shower, acc)
        else:
            acc[INVISIBLE] += eps
    acc[INVISIBLE] += rem  # excitation left over (de-excitation photons, recoil): not followed
    return n


@njit(cache=True)
def decay_pi0(n, e, x, y, z, u, v, w, slab, acc, st, sti):  # type: ignore[no-untyped-def]
    """pi0 -> gamma gamma, isotropic in the pi0 frame; both photons go on the stack."""
    acc[EM_FROM_PI0] += e
    gam = e / PI0_MASS
    beta = math.sqrt(max(1.0 - 1.0 / (gam * gam), 0.0))
    c = 2.0 * np.random.random() - 1.0
    phi = 2.0 * math.pi * np.random.random()
    e1 = 0.5 * e * (1.0 + beta * c)
    c1 = (c + beta) / (1.0 + beta * c)
    c2 = (-c + beta) / (1.0 - beta * c)
    d1u, d1v, d1w = rotate(u, v, w, c1, phi)
    d2u, d2v, d2w = rotate(u, v, w, c2, phi + math.pi)
    n = push(st, sti, n, PHOTON, slab, e1, x, y, z, d1u, d1v, d1w)
    return push(st, sti, n, PHOTON, slab, e - e1, x, y, z, d2u, d2v, d2w)


@njit(cache=True)
def emit_pion(n, e, x, y, z, u, v, w, slab, acc, st, sti):  # type: ignore[no-untyped-def]
    """A pion of total energy e and random charge, emitted with the p_T law."""
    p = math.sqrt(max(e * e - PION_MASS * PION_MASS, 1e-6))
    du, dv, dw = emission_direction(p, u, v, w)
    r = 3.0 * np.random.random()
    if r < 1.0:
        return decay_pi0(n, e, x, y, z, du, dv, dw, slab, acc, st, sti)
    kind = PION_PLUS if r < 2.0 else PION_MINUS
    return push(st, sti, n, kind, slab, e - PION_MASS, x, y, z, du, dv, dw)


@njit(cache=True)
def multiplicity(s_gev2: float, a: float) -> float:
    """Mean number of produced pions (all charges) at centre-of-mass energy squared s on nucleus A."""
    ln_s = math.log(max(s_gev2, 1.0))
    n_ch = 0.88 + 0.44 * ln_s + 0.118 * ln_s * ln_s
    return max(MULT_SCALE * (n_ch - 2.0), 0.0) * a ** MULT_A_POWER


@njit(cache=True)
def hadron_interaction(n, kind, t, x, y, z, u, v, w, slab, geo, tab, matpar, par, shower, acc, st,
                       sti):  # type: ignore[no-untyped-def]
    """Replace the hadron (``kind``, kinetic t) by the products of one inelastic interaction."""
    a, zn = choose_target(locate(slab, x, y, z, geo[1], geo[2])[0], matpar)
    if t < T_PRODUCTION and a < 1.5:  # slow hadron on hydrogen: (quasi-)elastic, it goes on uncounted
        return push(st, sti, n, kind, slab, t, x, y, z, u, v, w)
    if acc[N_NUCLEAR] == 0.0:
        acc[FIRST_NUCLEAR_Z] = z
    acc[N_NUCLEAR] += 1.0
    pion = kind == PION_PLUS or kind == PION_MINUS
    budget = t + PION_MASS if pion else t
    if t < T_PRODUCTION:
        return break_up(n, budget, a, zn, x, y, z, u, v, w, slab, geo, tab, par, shower, acc, st, sti)
    xi = 0.0
    if a >= 1.5:
        xi = min(XI_SCALE * (a / 207.2) ** (1.0 / 3.0) * (t / 1000.0) ** XI_POWER * np.random.exponential(), 0.9,
                 NUCLEAR_SHARE_MAX_PER_A * a / t)
        n = break_up(n, xi * t, a, zn, x, y, z, u, v, w, slab, geo, tab, par, shower, acc, st, sti)
    rest = budget - xi * t
    x_lead = np.random.random() ** (LEAD_POWER if pion else LEAD_POWER_BARYON)
    if pion:
        mass = PION_MASS
        e_lead = mass + x_lead * (rest - mass)
        e_prod = rest - e_lead
        s = (mass * mass + PROTON_MASS * PROTON_MASS + 2.0 * PROTON_MASS * (t + mass)) * 1e-6
    else:
        mass = PROTON_MASS if kind == PROTON else NEUTRON_MASS
        e_lead = mass + x_lead * rest
        e_prod = rest - x_lead * rest
        s = (2.0 * mass * mass + 2.0 * mass * (t + mass)) * 1e-6
    n_pi = np.random.poisson(multiplicity(s, a))
    n_pi = min(n_pi, int(e_prod / PION_MASS))
    if n_pi < 1:  # no pion produced (quasi-elastic knock-out): the leading particle takes the rest
        e_lead += e_prod
        e_prod = 0.0
    else:
        weights = np.empty(n_pi)
        for i in range(n_pi):
            weights[i] = np.random.gamma(SHARE_SHAPE)
        free = (e_prod - n_pi * PION_MASS) / max(weights.sum(), 1e-300)
        for i in range(n_pi):
            n = emit_pion(n, PION_MASS + weights[i] * free, x, y, z, u, v, w, slab, acc, st, sti)
    p_lead = math.sqrt(max(e_lead * e_lead - mass * mass, 1e-6))
    du, dv, dw = emission_direction(p_lead, u, v, w)
    if pion:
        return emit_lead_pion(n, e_lead, x, y, z, du, dv, dw, slab, acc, st, sti)
    lead_kind = PROTON if np.random.random() < 0.5 else NEUTRON
    return push_nucleon(n, lead_kind == PROTON, e_lead - mass, x, y, z, du, dv, dw, slab, geo, tab, par, shower,
                        acc, st, sti)


@njit(cache=True)
def emit_lead_pion(n, e, x, y, z, u, v, w, slab, acc, st, sti):  # type: ignore[no-untyped-def]
    """The leading pion (direction already drawn): neutral with probability LEAD_PI0, else charged."""
    r = np.random.random()
    if r < LEAD_PI0:
        return decay_pi0(n, e, x, y, z, u, v, w, slab, acc, st, sti)
    kind = PION_PLUS if r < 0.5 * (1.0 + LEAD_PI0) else PION_MINUS
    return push(st, sti, n, kind, slab, e - PION_MASS, x, y, z, u, v, w)


@njit(cache=True)
def stop_pion(n, negative, x, y, z, slab, geo, tab, matpar, par, shower, acc, st, sti):  # type: ignore[no-untyped-def]
    """A charged pion at rest: pi- is captured (its rest mass breaks up a nucleus; on hydrogen it is
    booked like a pi+), pi+ decays (the 4.1 MeV muon stops where it is; the neutrino and the
    muon's decay are not followed)."""
    if negative:
        a, zn = choose_target(locate(slab, x, y, z, geo[1], geo[2])[0], matpar)
        if a >= 1.5:
            ux, uy, uz = isotropic()
            return break_up(n, PION_MASS, a, zn, x, y, z, ux, uy, uz, slab, geo, tab, par, shower, acc, st, sti)
    deposit_stopped(PI_PLUS_DECAY_MUON, LIGHT_MUON, slab, x, y, z, geo, tab, par, shower, acc)
    acc[INVISIBLE] += PION_MASS - PI_PLUS_DECAY_MUON
    return n
