"""Per-material physics tables on a log-energy grid, built at start-up (no data files).

The transport kernel reads, for material m and table q, ``tables[m, q, i]`` at grid point i and
interpolates linearly in ln E. Cross sections are macroscopic (1/mm), stopping powers MeV/mm,
ranges mm. Bremsstrahlung and pair cross sections are normalised so that the radiative loss at
100 GeV equals E/X0 with the PDG radiation length of the material (a few-% correction to the
screened Bethe-Heitler integrals), which ties the shower scale to the tabulated X0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from caloforge.geometry.materials import Material, get_material
from caloforge.mc import cross_sections as xs
from caloforge.mc.config import Cuts
from caloforge.mc.heavy_xs import (
    HEAVY_STOP,
    MUON_MASS,
    PION_MASS,
    PROTON_MASS,
    heavy_delta_sigma,
    heavy_restricted_dedx,
)
from caloforge.mc.nuclear_xs import MAX_TARGETS, nuclear_params
from caloforge.mc.sandia import SHELL_BINDING_KEV, photoelectric_mass_coefficient
from caloforge.units import AVOGADRO, ELECTRON_MASS

E_MIN, E_MAX, PER_DECADE = 1e-3, 1e6, 64  # MeV
N_GRID = int(round(np.log10(E_MAX / E_MIN) * PER_DECADE)) + 1

# table rows (the kernel uses the same numbers)
PH_MU, PH_F_PAIR, PH_F_COMPTON = 0, 1, 2
EM_DEDX, EM_RANGE, EM_BREM, EM_DELTA = 3, 4, 5, 6
EP_DEDX, EP_RANGE, EP_BREM, EP_DELTA, EP_ANNIH = 7, 8, 9, 10, 11
# heavy charged particles: rows HEAVY_BASE + 3 * species + (0 dE/dx, 1 range, 2 delta rays)
HEAVY_BASE = 12
HEAVY_SPECIES = ((MUON_MASS, True), (PION_MASS, False), (PROTON_MASS, True))  # (mass MeV, spin 1/2)
# scintillation light of a particle that stops: (1/T) int_0^T dE / (1 + kB dE/dx), rows LIGHT_BASE
# (electrons) and LIGHT_BASE + 1 + species (heavy); 1 in a material without Birks quenching
LIGHT_BASE = HEAVY_BASE + 3 * len(HEAVY_SPECIES)
LIGHT_E = LIGHT_BASE
N_TABLES = LIGHT_BASE + 1 + len(HEAVY_SPECIES)
# per-material scalars; then the nuclear ones of ``nuclear_xs.nuclear_params``: interaction lengths
# of nucleons and pions (mm) and MAX_TARGETS x (cumulative probability, A, Z) of the struck nucleus
(MP_X0, MP_ZEFF, MP_Z13, MP_LNZ43, MP_FC4, MP_BIND_K, MP_BIND_L, MP_BOHR, MP_LAMBDA_N, MP_LAMBDA_PI,
 MP_TARGETS) = range(11)
MP_BIRKS = MP_TARGETS + 3 * MAX_TARGETS  # Birks' kB (mm/MeV), 0 outside scintillators
N_MATPAR = MP_BIRKS + 1
NORM_ENERGY = 1e5  # MeV, where the radiative loss is matched to E/X0


def energy_grid() -> np.ndarray:
    return np.exp(np.linspace(np.log(E_MIN), np.log(E_MAX), N_GRID))


@dataclass(frozen=True)
class PhysicsTables:
    """Tables of all materials of one geometry, in the order of ``names``."""

    names: tuple[str, ...]
    tables: np.ndarray  # (n_mat, N_TABLES, N_GRID)
    matpar: np.ndarray  # (n_mat, N_MATPAR)
    radiative_norm: np.ndarray  # (n_mat,), the X0 normalisation factor applied (diagnostic)

    @property
    def ln_e_min(self) -> float:
        return float(np.log(E_MIN))

    @property
    def inv_dln_e(self) -> float:
        return float((N_GRID - 1) / np.log(E_MAX / E_MIN))


def _atoms_per_cm3(m: Material) -> list[tuple[float, float]]:
    return [(e.Z, m.density * e.mass_fraction * AVOGADRO / e.A) for e in m.elements]


def _effective_z(m: Material) -> float:
    """Radiation-weighted Z (weights n_i Z_i(Z_i + xi)) used when sampling brems/pair energies."""
    w = [(z, n * z * (z + xs.xi_factor(z))) for z, n in _atoms_per_cm3(m)]
    return sum(z * wi for z, wi in w) / sum(wi for _, wi in w)


def _photon_rows(m: Material, e: np.ndarray, norm: float) -> np.ndarray:
    atoms = _atoms_per_cm3(m)
    pair = norm * sum(n * xs.pair_sigma(z, e) for z, n in atoms)
    compton = sum(n * xs.compton_sigma(z, e) for z, n in atoms)
    photo = m.density * sum(el.mass_fraction * photoelectric_mass_coefficient(el.Z, e) for el in m.elements)
    mu = pair + compton + photo
    return np.stack([mu / 10.0, pair / mu, compton / mu])  # 1/mm


def _range(t: np.ndarray, dedx: np.ndarray) -> np.ndarray:
    """CSDA range (mm) of the continuous loss, integrated in ln T from the grid's first point."""
    integrand = t / dedx
    steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(np.log(t))
    return np.concatenate([[0.5 * t[0] / dedx[0]], 0.5 * t[0] / dedx[0] + np.cumsum(steps)])


def _charged_rows(m: Material, t: np.ndarray, cuts: Cuts, norm: float, positron: bool) -> list[np.ndarray]:
    atoms = _atoms_per_cm3(m)
    n_el = sum(n * z for z, n in atoms)
    plasma_ev = 28.816 * np.sqrt(m.density * m.Z_over_A)
    brem_sigma = np.zeros_like(t)
    brem_loss = np.zeros_like(t)
    for z, n in atoms:
        s, loss = xs.brems_tables(z, t, cuts.gamma_cut)
        brem_sigma += n * s
        brem_loss += n * loss
    ion = xs.restricted_dedx(t, cuts.e_cut, positron, n_el, m.mean_excitation_ev, plasma_ev)
    dedx = np.maximum(ion + norm * brem_loss, 1e-6)  # MeV/cm
    rows = [dedx / 10.0, _range(t, dedx / 10.0), norm * brem_sigma / 10.0,
            n_el * xs.delta_ray_sigma(t, cuts.e_cut, positron) / 10.0]
    if positron:
        rows.append(n_el * xs.annihilation_sigma(t) / 10.0)
    return rows


def _heavy_rows(m: Material, t: np.ndarray, cuts: Cuts, mass: float, spin_half: bool) -> list[np.ndarray]:
    """dE/dx (MeV/mm), range (mm) and delta-ray cross section (1/mm) of a heavy particle; below
    ``HEAVY_STOP`` the loss is held at its value there (the particle is stopped by then)."""
    n_el = sum(n * z for z, n in _atoms_per_cm3(m))
    plasma_ev = 28.816 * np.sqrt(m.density * m.Z_over_A)
    dedx = heavy_restricted_dedx(t, mass, cuts.e_cut, n_el, m.mean_excitation_ev, plasma_ev) / 10.0
    dedx = np.where(t < HEAVY_STOP, np.interp(HEAVY_STOP, t, dedx), np.maximum(dedx, 1e-7))
    return [dedx, _range(t, dedx), n_el * heavy_delta_sigma(t, mass, cuts.e_cut, spin_half) / 10.0]


def _stopping_light(t: np.ndarray, dedx: np.ndarray, kb: float) -> np.ndarray:
    """Visible fraction of the energy of a particle of kinetic T that stops (Birks' law
    integrated over its slowing down, in ln T from the grid's first point)."""
    if kb <= 0.0:
        return np.ones_like(t)
    integrand = t / (1.0 + kb * dedx)
    steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(np.log(t))
    light = np.concatenate([[t[0] / (1.0 + kb * dedx[0])], t[0] / (1.0 + kb * dedx[0]) + np.cumsum(steps)])
    return light / t


def _radiative_norm(m: Material) -> float:
    loss = sum(n * xs.brems_total_loss(z, NORM_ENERGY) for z, n in _atoms_per_cm3(m))  # MeV/cm
    return (NORM_ENERGY + ELECTRON_MASS) / m.X0_cm / loss


def _binding(m: Material) -> tuple[float, float]:
    z = max((el.Z for el in m.elements if el.Z in SHELL_BINDING_KEV), default=1)
    k, l1 = SHELL_BINDING_KEV[z]
    return k * 1e-3, l1 * 1e-3


def material_tables(m: Material, cuts: Cuts) -> tuple[np.ndarray, np.ndarray, float]:
    """(tables (N_TABLES, N_GRID), matpar (N_MATPAR,), norm) of one material."""
    e = energy_grid()
    norm = _radiative_norm(m)
    rows = np.zeros((N_TABLES, N_GRID))
    rows[PH_MU:PH_F_COMPTON + 1] = _photon_rows(m, e, norm)
    rows[EM_DEDX:EM_DELTA + 1] = _charged_rows(m, e, cuts, norm, positron=False)
    rows[EP_DEDX:EP_ANNIH + 1] = _charged_rows(m, e, cuts, norm, positron=True)
    for k, (mass, spin_half) in enumerate(HEAVY_SPECIES):
        rows[HEAVY_BASE + 3 * k:HEAVY_BASE + 3 * k + 3] = _heavy_rows(m, e, cuts, mass, spin_half)
        rows[LIGHT_BASE + 1 + k] = _stopping_light(e, rows[HEAVY_BASE + 3 * k], m.birks_mm_per_mev)
    rows[LIGHT_E] = _stopping_light(e, rows[EM_DEDX], m.birks_mm_per_mev)
    zeff = _effective_z(m)
    bind_k, bind_l = _binding(m)
    n_el = sum(n * z for z, n in _atoms_per_cm3(m))
    bohr = xs.TWOPI_MC2_RCL2 * n_el / 10.0  # MeV/mm: Bohr straggling variance per mm and MeV of T_max
    matpar = np.array([m.X0_mm, zeff, zeff ** (1 / 3), 4 / 3 * np.log(zeff), 4 * xs.coulomb_correction(zeff),
                       bind_k, bind_l, bohr, *nuclear_params(m), m.birks_mm_per_mev])
    return rows, matpar, norm


@lru_cache(maxsize=32)
def build_tables(names: tuple[str, ...], cuts: Cuts) -> PhysicsTables:
    """Tables for the named materials (cached: building takes ~0.1 s per material)."""
    parts = [material_tables(get_material(n), cuts) for n in names]
    return PhysicsTables(
        names=names,
        tables=np.ascontiguousarray(np.stack([p[0] for p in parts])),
        matpar=np.ascontiguousarray(np.stack([p[1] for p in parts])),
        radiative_norm=np.array([p[2] for p in parts]),
    )
