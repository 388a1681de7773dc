"""Energy loss of heavy charged particles (muons, charged pions, protons), vectorised in numpy
for the physics tables (PDG Review of Particle Physics, ch. 34 "Passage of particles through
matter", 2024).

* ``heavy_tmax``: the largest energy transfer to a free electron (PDG eq. 34.4);
* ``heavy_restricted_dedx``: the restricted Bethe-Bloch loss for transfers below the delta-ray
  cut, with the Sternheimer-Peierls density effect (PDG eq. 34.12); no shell or Barkas
  corrections, so below ~1 MeV for muons and ~10 MeV for protons it is only approximate, which is
  why the transport stops heavy particles at ``HEAVY_STOP`` and deposits them locally;
* ``heavy_delta_sigma``: the cross section for delta rays above the cut (PDG eq. 34.7, with the
  spin-1/2 term for muons and protons).

Radiative losses of muons (bremsstrahlung, pair production, photonuclear) are not included: in
lead they equal the ionisation loss only near 140 GeV (the muon critical energy), and a 17 X0
calorimeter sees them as rare catastrophic losses. Energies in MeV, lengths in cm, per electron
cross sections in cm^2.
"""

from __future__ import annotations

import numpy as np

from caloforge.mc.cross_sections import TWOPI_MC2_RCL2, density_effect
from caloforge.units import ELECTRON_MASS as ME

# PDG 2024 masses (MeV)
MUON_MASS = 105.6583755
PION_MASS = 139.57039
PROTON_MASS = 938.27208816
NEUTRON_MASS = 939.56542052
PI0_MASS = 134.9768
HEAVY_STOP = 1.0  # MeV: below this kinetic energy a heavy particle stops where it is


def _kinematics(t: np.ndarray, mass: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gam = 1.0 + np.asarray(t, dtype=float) / mass
    beta2 = 1.0 - 1.0 / (gam * gam)
    return gam, beta2, gam * gam - 1.0


def heavy_tmax(t: np.ndarray, mass: float) -> np.ndarray:
    """Maximum kinetic energy (MeV) given to an electron by a particle of ``mass`` and kinetic ``t``."""
    gam, _, bg2 = _kinematics(t, mass)
    ratio = ME / mass
    return 2.0 * ME * bg2 / (1.0 + 2.0 * gam * ratio + ratio * ratio)


def heavy_restricted_dedx(t: np.ndarray, mass: float, cut: float, electron_density: float,
                          mean_excitation_ev: float, plasma_ev: float) -> np.ndarray:
    """Restricted collision stopping power (MeV/cm) of a unit-charge particle for transfers
    below ``cut`` (all transfers when ``cut`` exceeds T_max: then the full Bethe-Bloch mean)."""
    _, beta2, bg2 = _kinematics(t, mass)
    tmax = heavy_tmax(t, mass)
    tup = np.minimum(cut, tmax)
    excitation = mean_excitation_ev * 1e-6
    bracket = (np.log(2.0 * ME * bg2 * tup / excitation**2) - beta2 * (1.0 + tup / tmax)
               - density_effect(np.sqrt(bg2), mean_excitation_ev, plasma_ev))
    return np.maximum(bracket, 0.0) * TWOPI_MC2_RCL2 * electron_density / np.maximum(beta2, 1e-12)


def heavy_delta_sigma(t: np.ndarray, mass: float, cut: float, spin_half: bool) -> np.ndarray:
    """Cross section per electron (cm^2) for a delta ray above ``cut``: the integral of
    dsigma/dT = 2 pi r_e^2 m_e c^2 / beta^2 / T^2 [1 - beta^2 T / T_max (+ T^2 / 2E^2 for spin 1/2)]."""
    gam, beta2, _ = _kinematics(t, mass)
    tmax = heavy_tmax(t, mass)
    total2 = (gam * mass) ** 2
    hi = np.maximum(tmax, cut)
    sigma = (1.0 / cut - 1.0 / hi) - beta2 / hi * np.log(hi / cut)
    if spin_half:
        sigma = sigma + (hi - cut) / (2.0 * total2)
    sigma = np.where(tmax > cut, sigma, 0.0)
    return np.maximum(sigma, 0.0) * TWOPI_MC2_RCL2 / np.maximum(beta2, 1e-12)
