"""Per-material physics tables of the reference Monte Carlo, computed at start-up (no data files).

All quantities are tabulated on one log-spaced kinetic-energy grid (``GRID_LOW`` .. ``GRID_HIGH``
MeV, ``PER_DECADE`` points per decade) and interpolated linearly in ln E by the kernel.
Lengths are mm, energies MeV, cross sections are macroscopic (1/mm).

Processes and their sources (PDG RPP ch. 34; EGS4 SLAC-265; Geant4 standard EM models):

* restricted collision stopping power, Berger-Seltzer form for Moller (e-) and Bhabha (e+) with
  the delta-ray cut ``e_cut`` (G4MollerBhabhaModel::ComputeDEDXPerVolume) and the high-energy
  density effect delta = 2 ln(hbar w_p / I) + 2 ln(beta gamma) - 1 (clamped at 0);
* bremsstrahlung in complete screening, dsigma/dk = (1/(X0 k)) (4/3 - 4/3 y + y^2), split at the
  photon cut ``k_cut`` into a continuous sub-cut loss and discrete emission; a low-energy factor
  f(T) = 1 - 0.47 (T/MeV)^-0.6 (>= 0.25) reproduces the ESTAR radiative stopping power of Pb
  (0.53 at 1 MeV, 0.86 at 10 MeV, 0.98 at 100 MeV of E/X0);
* Moller / Bhabha delta-ray cross sections above the cut (G4MollerBhabhaModel);
* Heitler two-photon annihilation in flight (positrons);
* pair production: the 7/(9 X0) asymptote times a threshold shape read off XCOM for lead
  (``PAIR_SHAPE``), since the fraction of the asymptote reached at a given energy varies little
  with Z in the materials of interest;
* Klein-Nishina Compton scattering per electron;
* photoelectric absorption from the Sandia parametrisation (``caloforge.simulate.sandia``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caloforge.geometry import get_material
from caloforge.simulate.sandia import photoelectric_mass_coefficient
from caloforge.units import AVOGADRO, CLASSICAL_ELECTRON_RADIUS_CM, ELECTRON_MASS

GRID_LOW, GRID_HIGH, PER_DECADE = 1e-3, 1e7, 64
R_E_MM = 10.0 * CLASSICAL_ELECTRON_RADIUS_CM
TWOPI_MC2_RCL2 = 2.0 * np.pi * ELECTRON_MASS * R_E_MM**2  # MeV mm^2

# fraction of the 7/(9 X0) asymptote reached by the pair cross section (XCOM, lead)
PAIR_SHAPE = np.array([
    (1.022, 0.0), (1.5, 0.008), (2.0, 0.04), (3.0, 0.10), (5.0, 0.18), (10.0, 0.29), (20.0, 0.44),
    (50.0, 0.62), (100.0, 0.74), (300.0, 0.84), (1e3, 0.90), (1e4, 0.95), (1e5, 0.97), (1e7, 0.98),
])


def energy_grid() -> np.ndarray:
    """Kinetic-energy grid (MeV)."""
    n = int(round(np.log10(GRID_HIGH / GRID_LOW) * PER_DECADE)) + 1
    return np.exp(np.linspace(np.log(GRID_LOW), np.log(GRID_HIGH), n))


def electron_density_mm3(name: str) -> float:
    """Electrons per mm^3."""
    m = get_material(name)
    return m.density * AVOGADRO * m.Z_over_A / 1000.0


def density_effect(name: str, t: np.ndarray) -> np.ndarray:
    """Fermi density effect delta, Sternheimer-Peierls general parametrisation for solids.

    C = 2 ln(I / hbar w_p) + 1; x0 = 0.326 C - 1.5 (>= 0.2), x1 = 3 for I >= 100 eV
    (x0 = 0.326 C - 1.0, x1 = 2 below); k = 3 (Sternheimer & Peierls, PRB 3 (1971) 3681).
    """
    m = get_material(name)
    plasma_ev = 28.816 * np.sqrt(m.density * m.Z_over_A)
    cbar = 2.0 * np.log(m.mean_excitation_ev / plasma_ev) + 1.0
    shift, x1 = (1.5, 3.0) if m.mean_excitation_ev >= 100.0 else (1.0, 2.0)
    x0 = max(0.2, 0.326 * cbar - shift)
    a = (cbar - 2.0 * np.log(10.0) * x0) / (x1 - x0) ** 3
    gamma = t / ELECTRON_MASS + 1.0
    x = np.log10(np.sqrt(gamma**2 - 1.0))
    high = 2.0 * np.log(10.0) * x - cbar
    mid = high + a * np.power(np.clip(x1 - x, 0.0, None), 3)
    return np.where(x >= x1, high, np.where(x > x0, mid, 0.0))


def restricted_collision_dedx(name: str, t: np.ndarray, cut: float, positron: bool) -> np.ndarray:
    """Restricted collision stopping power (MeV/mm) for delta rays below ``cut`` (MeV)."""
    m = get_material(name)
    tau = t / ELECTRON_MASS
    gamma = tau + 1.0
    gamma2 = gamma * gamma
    beta2 = tau * (tau + 2.0) / gamma2
    eexc2 = (m.mean_excitation_ev * 1e-6 / ELECTRON_MASS) ** 2
    if positron:
        d = np.minimum(cut, t) / t
        y = 1.0 / (1.0 + gamma)
        d2 = d * d * 0.5
        d3 = d2 * d / 1.5
        d4 = d3 * d * 0.75
        bracket = (np.log(2.0 * (tau + 2.0) / eexc2) + np.log(tau * d)
                   - beta2 * (tau + 2.0 * d - y * (3.0 * d2 + y * (d - d3 + y * (d2 - tau * d3 + d4)))) / tau)
    else:
        d = np.minimum(cut, 0.5 * t) / ELECTRON_MASS
        bracket = (np.log(2.0 * (tau + 2.0) / eexc2) - 1.0 - beta2 + np.log((tau - d) * d) + tau / (tau - d)
                   + (0.5 * d * d + (2.0 * tau + 1.0) * np.log(1.0 - d / tau)) / gamma2)
    bracket = np.maximum(bracket - density_effect(name, t), 0.0)
    return bracket * TWOPI_MC2_RCL2 * electron_density_mm3(name) / beta2


def brems_low_energy_factor(t: np.ndarray) -> np.ndarray:
    """Ratio of the real radiative loss to the complete-screening E/X0 at low energy (lead, ESTAR)."""
    return np.maximum(0.25, 1.0 - 0.47 * np.power(t, -0.6))


def brems_tables(name: str, t: np.ndarray, k_cut: float) -> tuple[np.ndarray, np.ndarray]:
    """(sub-cut radiative loss MeV/mm, discrete emission cross section 1/mm) above ``k_cut``."""
    x0 = get_material(name).X0_mm
    yc = np.minimum(k_cut / t, 1.0)
    f = brems_low_energy_factor(t)
    loss = f * t / x0 * (4.0 / 3.0 * yc - 2.0 / 3.0 * yc**2 + yc**3 / 3.0)
    sigma = f / x0 * (4.0 / 3.0 * np.log(1.0 / yc) - 4.0 / 3.0 * (1.0 - yc) + 0.5 * (1.0 - yc**2))
    return loss, np.where(yc < 1.0, sigma, 0.0)


def delta_cross_section(name: str, t: np.ndarray, cut: float, positron: bool) -> np.ndarray:
    """Moller (e-) / Bhabha (e+) cross section for delta rays above ``cut`` (1/mm)."""
    tmax = t if positron else 0.5 * t
    ok = cut < tmax
    xmin = np.where(ok, cut / t, 0.25)
    xmax = np.where(ok, tmax / t, 0.5)
    gamma = t / ELECTRON_MASS + 1.0
    gamma2 = gamma * gamma
    beta2 = 1.0 - 1.0 / gamma2
    if positron:
        y = 1.0 / (1.0 + gamma)
        y2 = y * y
        y12 = 1.0 - 2.0 * y
        b1 = 2.0 - y2
        b2 = y12 * (3.0 + y2)
        y122 = y12 * y12
        b4 = y122 * y12
        b3 = b4 + y122
        cross = ((xmax - xmin) * (1.0 / (beta2 * xmin * xmax) + b2 - 0.5 * b3 * (xmin + xmax)
                                  + b4 * (xmin * xmin + xmin * xmax + xmax * xmax) / 3.0)
                 - b1 * np.log(xmax / xmin))
    else:
        gg = (2.0 * gamma - 1.0) / gamma2
        cross = ((xmax - xmin) * (1.0 - gg + 1.0 / (xmin * xmax) + 1.0 / ((1.0 - xmin) * (1.0 - xmax)))
                 - gg * np.log(xmax * (1.0 - xmin) / (xmin * (1.0 - xmax)))) / beta2
    cross = cross * TWOPI_MC2_RCL2 / t * electron_density_mm3(name)
    return np.where(ok, np.maximum(cross, 0.0), 0.0)


def annihilation_cross_section(name: str, t: np.ndarray) -> np.ndarray:
    """Heitler two-photon annihilation in flight (1/mm)."""
    gamma = t / ELECTRON_MASS + 1.0
    root = np.sqrt(gamma * gamma - 1.0)
    sigma = np.pi * R_E_MM**2 / (gamma + 1.0) * (
        (gamma * gamma + 4.0 * gamma + 1.0) / (gamma * gamma - 1.0) * np.log(gamma + root) - (gamma + 3.0) / root)
    return sigma * electron_density_mm3(name)


def compton_cross_section(name: str, k: np.ndarray) -> np.ndarray:
    """Klein-Nishina Compton attenuation (1/mm), free electrons."""
    x = k / ELECTRON_MASS
    l2 = np.log1p(2.0 * x)
    sigma = 2.0 * np.pi * R_E_MM**2 * (
        (1.0 + x) / x**2 * (2.0 * (1.0 + x) / (1.0 + 2.0 * x) - l2 / x) + l2 / (2.0 * x)
        - (1.0 + 3.0 * x) / (1.0 + 2.0 * x) ** 2)
    return sigma * electron_density_mm3(name)


def pair_cross_section(name: str, k: np.ndarray) -> np.ndarray:
    """Pair production attenuation (1/mm): 7/(9 X0) times the XCOM threshold shape."""
    shape = np.interp(np.log(k), np.log(PAIR_SHAPE[:, 0]), PAIR_SHAPE[:, 1], left=0.0, right=PAIR_SHAPE[-1, 1])
    return 7.0 / 9.0 / get_material(name).X0_mm * shape


def photoelectric_cross_section(name: str, k: np.ndarray) -> np.ndarray:
    """Photoelectric attenuation (1/mm), mass-fraction weighted Sandia coefficients."""
    m = get_material(name)
    mass = sum(e.mass_fraction * photoelectric_mass_coefficient(e.Z, k) for e in m.elements)
    return mass * m.density / 10.0


def csda_range(t: np.ndarray, dedx: np.ndarray) -> np.ndarray:
    """Range (mm) for a continuous loss ``dedx`` (MeV/mm) on grid ``t`` (trapezoid in T)."""
    inv = 1.0 / dedx
    steps = 0.5 * (inv[1:] + inv[:-1]) * np.diff(t)
    return np.concatenate([[t[0] * inv[0]], t[0] * inv[0] + np.cumsum(steps)])


@dataclass(frozen=True)
class MaterialTables:
    """Arrays indexed [material, grid point]; ``x0`` and ``zeff`` per material."""

    log_t0: float
    inv_dlog: float
    grid: np.ndarray
    dedx: np.ndarray  # (2, n_mat, n) e-, e+ total continuous loss, MeV/mm
    range_: np.ndarray  # (2, n_mat, n) mm
    sig_brems: np.ndarray  # (n_mat, n)
    sig_delta: np.ndarray  # (2, n_mat, n)
    sig_annih: np.ndarray  # (n_mat, n)
    mu_compton: np.ndarray  # (n_mat, n)
    mu_pair: np.ndarray
    mu_photo: np.ndarray
    x0: np.ndarray  # (n_mat,) mm
    zeff: np.ndarray


def build_tables(materials: list[str], e_cut: float, k_cut: float) -> MaterialTables:
    """Tables for ``materials`` with delta-ray cut ``e_cut`` and bremsstrahlung cut ``k_cut`` (MeV)."""
    t = energy_grid()
    dedx, rng, sdelta = (np.zeros((2, len(materials), t.size)) for _ in range(3))
    sb, sa, mc, mp, mf = (np.zeros((len(materials), t.size)) for _ in range(5))
    for i, name in enumerate(materials):
        loss, sb[i] = brems_tables(name, t, k_cut)
        for charge, positron in enumerate((False, True)):
            dedx[charge, i] = restricted_collision_dedx(name, t, e_cut, positron) + loss
            rng[charge, i] = csda_range(t, dedx[charge, i])
            sdelta[charge, i] = delta_cross_section(name, t, e_cut, positron)
        sa[i] = annihilation_cross_section(name, t)
        mc[i], mp[i], mf[i] = (compton_cross_section(name, t), pair_cross_section(name, t),
                               photoelectric_cross_section(name, t))
    return MaterialTables(
        log_t0=float(np.log(t[0])), inv_dlog=float(1.0 / np.log(t[1] / t[0])), grid=t,
        dedx=dedx, range_=rng, sig_brems=sb, sig_delta=sdelta, sig_annih=sa,
        mu_compton=mc, mu_pair=mp, mu_photo=mf,
        x0=np.array([get_material(n).X0_mm for n in materials]),
        zeff=np.array([get_material(n).Z_eff for n in materials]),
    )
