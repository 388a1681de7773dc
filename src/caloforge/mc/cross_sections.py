"""Electromagnetic cross sections and stopping powers, vectorised in numpy (used to build tables).

Sources: Bethe-Heitler bremsstrahlung and pair production with
the screening functions and Coulomb correction of EGS4 (SLAC-265 sec. 2.7; Butcher & Messel), the
empirical per-atom Compton cross section of Geant4's G4KleinNishinaCompton, restricted
Berger-Seltzer dE/dx with the Moller/Bhabha cross sections (ICRU 37; G4MollerBhabhaModel), the
Sternheimer-Peierls density effect, and Heitler's two-photon annihilation in flight.
Energies in MeV, cross sections per atom (or per electron) in cm^2.
"""

from __future__ import annotations

import numpy as np

from caloforge.units import CLASSICAL_ELECTRON_RADIUS_CM, ELECTRON_MASS, FINE_STRUCTURE

ME = ELECTRON_MASS
RE2 = CLASSICAL_ELECTRON_RADIUS_CM**2
TWOPI_MC2_RCL2 = 2.0 * np.pi * ME * RE2  # MeV cm^2
COULOMB_CORRECTION_MIN_MEV = 50.0  # EGS4 applies f_c only above 50 MeV
BARN = 1e-24  # cm^2


def coulomb_correction(z: float) -> float:
    """Davies-Bethe-Maximon Coulomb correction f_c(Z) (PDG eq. 34.27)."""
    a2 = (FINE_STRUCTURE * z) ** 2
    return a2 * (1.0 / (1.0 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2**2 - 0.002 * a2**3)


def xi_factor(z: float) -> float:
    """Atomic-electron contribution: Z(Z + xi) with xi = L'_rad / (L_rad - f_c) (Tsai)."""
    if z < 1.5:
        l_rad, l_prime = 5.31, 6.144
    else:
        l_rad, l_prime = np.log(184.15 * z ** (-1 / 3)), np.log(1194.0 * z ** (-2 / 3))
    return l_prime / (l_rad - coulomb_correction(z))


def screening(delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EGS4 screening functions phi1, phi2 of the screening variable delta."""
    small = delta <= 1.0
    far = 21.12 - 4.184 * np.log(delta + 0.952)
    phi1 = np.where(small, 20.867 - 3.242 * delta + 0.625 * delta**2, far)
    phi2 = np.where(small, 20.209 - 1.930 * delta - 0.086 * delta**2, far)
    return phi1, phi2


def screening_offset(z: float, energy: np.ndarray) -> np.ndarray:
    """(4/3) ln Z + 4 f_c(Z) (the Coulomb term only above 50 MeV)."""
    fc = np.where(energy > COULOMB_CORRECTION_MIN_MEV, coulomb_correction(z), 0.0)
    return 4.0 / 3.0 * np.log(z) + 4.0 * fc


def brems_bracket(z: float, e_total: np.ndarray, k: np.ndarray) -> np.ndarray:
    """k * dsigma/dk / (alpha r_e^2 Z(Z+xi)) for an electron of total energy E emitting k."""
    e_prime = np.maximum(e_total - k, 1e-300)
    y = e_prime / e_total
    delta = 136.0 * ME * k / (z ** (1 / 3) * e_total * e_prime)
    phi1, phi2 = screening(delta)
    off = screening_offset(z, e_total)
    return np.maximum((1.0 + y**2) * (phi1 - off) - 2.0 / 3.0 * y * (phi2 - off), 0.0)


def pair_bracket(z: float, k: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """dsigma/deps / (alpha r_e^2 Z(Z+xi)), eps = E(e+ or e-) / k (total energies)."""
    delta = 136.0 * ME / (z ** (1 / 3) * k * eps * (1.0 - eps))
    phi1, phi2 = screening(delta)
    off = screening_offset(z, k)
    value = (eps**2 + (1 - eps) ** 2) * (phi1 - off) + 2.0 / 3.0 * eps * (1 - eps) * (phi2 - off)
    return np.maximum(value, 0.0)


def _atom_factor(z: float) -> float:
    return FINE_STRUCTURE * RE2 * z * (z + xi_factor(z))


def brems_tables(z: float, t_kin: np.ndarray, k_cut: float, n: int = 160) -> tuple[np.ndarray, np.ndarray]:
    """Per atom: (sigma for k > k_cut [cm^2], energy loss to k < k_cut [MeV cm^2]) at kinetic T."""
    t = np.asarray(t_kin, dtype=float)[:, None]
    e = t + ME
    # discrete part: integrate bracket/k over ln k in [ln k_cut, ln T]
    u = np.linspace(0.0, 1.0, n)[None, :]
    hi = np.maximum(t, k_cut)
    k = k_cut * (hi / k_cut) ** u
    sigma = np.trapezoid(brems_bracket(z, e, k), np.log(k), axis=1)
    # continuous part: integral of k dsigma/dk = bracket over k in [0, min(k_cut, T)]
    kk = np.minimum(k_cut, t) * np.linspace(1e-6, 1.0, n)[None, :]
    loss = np.trapezoid(brems_bracket(z, e, kk), kk, axis=1)
    return _atom_factor(z) * sigma, _atom_factor(z) * loss


def brems_total_loss(z: float, t_kin: float, n: int = 400) -> float:
    """Radiative stopping per atom, integral of k dsigma/dk over 0 < k < T [MeV cm^2]."""
    k = t_kin * np.linspace(1e-7, 1.0 - 1e-9, n)
    return float(_atom_factor(z) * np.trapezoid(brems_bracket(z, np.full_like(k, t_kin + ME), k), k))


def pair_sigma(z: float, k: np.ndarray, n: int = 200) -> np.ndarray:
    """Bethe-Heitler pair cross section per atom (cm^2), numerically integrated over eps."""
    k = np.asarray(k, dtype=float)[:, None]
    eps0 = np.minimum(ME / np.maximum(k, 2 * ME), 0.5)
    eps = eps0 + (1 - 2 * eps0) * np.linspace(0.0, 1.0, n)[None, :]
    val = np.trapezoid(pair_bracket(z, k, eps), eps, axis=1)
    return np.where(k[:, 0] > 2 * ME, _atom_factor(z) * val, 0.0)


def compton_sigma(z: float, k: np.ndarray) -> np.ndarray:
    """Empirical Klein-Nishina cross section per atom (Geant4 G4KleinNishinaCompton), cm^2."""
    a, b, c = 20.0, 230.0, 440.0
    d1, d2, d3, d4 = 2.7965e-1, -1.8300e-1, 6.7527, -1.9798e1
    e1, e2, e3, e4 = 1.9756e-5, -1.0205e-2, -7.3913e-2, 2.7079e-2
    f1, f2, f3, f4 = -3.9178e-7, 6.8241e-5, 6.0480e-5, 3.0274e-4
    p1 = z * (d1 + e1 * z + f1 * z * z)
    p2 = z * (d2 + e2 * z + f2 * z * z)
    p3 = z * (d3 + e3 * z + f3 * z * z)
    p4 = z * (d4 + e4 * z + f4 * z * z)
    t0 = 40e-3 if z < 1.5 else 15e-3

    def formula(x: np.ndarray) -> np.ndarray:
        return p1 * np.log(1 + 2 * x) / x + (p2 + p3 * x + p4 * x * x) / (1 + a * x + b * x * x + c * x**3)

    k = np.asarray(k, dtype=float)
    sigma = formula(np.maximum(k, t0) / ME)
    s1 = formula(np.array((t0 + 1e-3) / ME))
    s0 = formula(np.array(t0 / ME))
    c1 = -t0 * (s1 - s0) / (s0 * 1e-3)
    c2 = 0.150 if z < 1.5 else 0.375 - 0.0556 * np.log(z)
    y = np.log(np.maximum(k, 1e-12) / t0)
    sigma = np.where(k < t0, sigma * np.exp(-y * (c1 + c2 * y)), sigma)
    return np.maximum(sigma, 0.0) * BARN


def density_effect(beta_gamma: np.ndarray, mean_excitation_ev: float, plasma_ev: float) -> np.ndarray:
    """Sternheimer-Peierls general density correction delta for solids and liquids."""
    cbar = 2.0 * np.log(mean_excitation_ev / plasma_ev) + 1.0
    if mean_excitation_ev < 100.0:
        x0, x1 = (0.2 if cbar < 3.681 else 0.326 * cbar - 1.0), 2.0
    else:
        x0, x1 = (0.2 if cbar < 5.215 else 0.326 * cbar - 1.5), 3.0
    a = (cbar - 4.6052 * x0) / (x1 - x0) ** 3
    x = np.log10(np.maximum(beta_gamma, 1e-12))
    return np.where(x >= x1, 4.6052 * x - cbar, np.where(x >= x0, 4.6052 * x - cbar + a * (x1 - x) ** 3, 0.0))


def restricted_dedx(t_kin: np.ndarray, cut: float, positron: bool, electron_density: float,
                    mean_excitation_ev: float, plasma_ev: float) -> np.ndarray:
    """Restricted collision stopping power (MeV/cm) for energy transfers below ``cut``."""
    t = np.asarray(t_kin, dtype=float)
    tau = t / ME
    gam = tau + 1.0
    gamma2 = gam * gam
    beta2 = tau * (tau + 2.0) / gamma2
    eexc2 = (mean_excitation_ev * 1e-6 / ME) ** 2
    if positron:
        d = np.minimum(cut, t) / ME
        y = 1.0 / (1.0 + gam)
        d2 = d * d * 0.5
        d3 = d2 * d / 1.5
        d4 = d3 * d * 0.75
        dedx = np.log(2 * (tau + 2) / eexc2) + np.log(tau * d) - beta2 * (
            tau + 2 * d - y * (3 * d2 + y * (d - d3 + y * (d2 - tau * d3 + d4)))) / tau
    else:
        d = np.minimum(cut, 0.5 * t) / ME
        dedx = (np.log(2 * (tau + 2) / eexc2) - 1 - beta2 + np.log((tau - d) * d) + tau / (tau - d)
                + (0.5 * d * d + (2 * tau + 1) * np.log(1 - d / tau)) / gamma2)
    dedx -= density_effect(np.sqrt(tau * (tau + 2)), mean_excitation_ev, plasma_ev)
    return np.maximum(dedx, 0.0) * TWOPI_MC2_RCL2 * electron_density / beta2


def delta_ray_sigma(t_kin: np.ndarray, cut: float, positron: bool) -> np.ndarray:
    """Moller (e-) or Bhabha (e+) cross section per electron for transfers above ``cut`` (cm^2)."""
    t = np.asarray(t_kin, dtype=float)
    tau = t / ME
    gam = tau + 1.0
    gamma2 = gam * gam
    beta2 = tau * (tau + 2.0) / gamma2
    x_raw = cut / np.maximum(t, 1e-300)
    if positron:
        xmax = 1.0
        x = np.minimum(x_raw, 0.999)
        y = 1.0 / (1.0 + gam)
        y2 = y * y
        y12 = 1.0 - 2.0 * y
        b1, b2 = 2.0 - y2, y12 * (3.0 + y2)
        b4 = y12**3
        b3 = b4 + y12**2
        cross = (xmax - x) * (1.0 / (beta2 * x * xmax) + b2 - 0.5 * b3 * (x + xmax)
                              + b4 * (x * x + x * xmax + xmax * xmax) / 3.0) - b1 * np.log(xmax / x)
    else:
        xmax = 0.5
        x = np.minimum(x_raw, 0.499)
        gg = (2.0 * gam - 1.0) / gamma2
        cross = ((xmax - x) * (1.0 - gg + 1.0 / (x * xmax) + 1.0 / ((1.0 - x) * (1.0 - xmax)))
                 - gg * np.log(x * (1.0 - xmax) / (xmax * (1.0 - x)))) / beta2
    cross = np.where(x_raw < xmax, cross, 0.0)
    return np.maximum(cross, 0.0) * TWOPI_MC2_RCL2 / np.maximum(t, 1e-300)


def annihilation_sigma(t_kin: np.ndarray) -> np.ndarray:
    """Heitler two-photon annihilation in flight, per target electron (cm^2)."""
    gam = np.asarray(t_kin, dtype=float) / ME + 1.0
    g2m1 = np.maximum(gam * gam - 1.0, 1e-12)
    sq = np.sqrt(g2m1)
    return np.pi * RE2 / (gam + 1.0) * ((gam * gam + 4 * gam + 1) / g2m1 * np.log(gam + sq) - (gam + 3) / sq)
