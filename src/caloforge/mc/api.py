"""Python entry points of the reference Monte Carlo: ``simulate`` and ``simulate_detailed``.

They draw what makes every shower reproducible on its own (a kernel seed, an impact point and a
direction from (run seed, global shower index)) and call the numba kernel through
``driver.run_kernel``; chunking and worker count therefore never change a shower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from caloforge.errors import GeometryError, InputError
from caloforge.geometry import Geometry, get_geometry
from caloforge.io import Showers
from caloforge.mc import kernel_common as kc
from caloforge.mc.analysis import slab_edges_x0
from caloforge.mc.config import Cuts
from caloforge.mc.driver import run_kernel
from caloforge.mc.heavy_xs import PION_MASS
from caloforge.mc.materials_table import E_MAX
from caloforge.units import ELECTRON_MASS

__all__ = ["Cuts", "Detailed", "available_energy", "check_energies", "particle_name", "resolve_geometry",
           "shower_seeds", "simulate", "simulate_detailed"]

PARTICLES = {"e-": "electron", "electron": "electron", "e+": "positron", "positron": "positron",
             "photon": "photon", "gamma": "photon", "mu-": "mu-", "muon": "mu-", "muon-": "mu-", "mu+": "mu+",
             "antimuon": "mu+", "muon+": "mu+", "p": "proton", "proton": "proton", "pi+": "pi+", "pion+": "pi+",
             "pi-": "pi-", "pion-": "pi-", "n": "neutron", "neutron": "neutron"}
PARTICLE_HELP = "e-, e+, photon, mu-, mu+, p, pi+, pi- or n"
PDG_ID = {"electron": 11, "positron": -11, "photon": 22, "mu-": 13, "mu+": -13, "proton": 2212, "pi+": 211,
          "pi-": -211, "neutron": 2112}
HADRONS = ("proton", "pi+", "pi-", "neutron")
MAX_KINETIC_MEV = E_MAX  # the physics tables (and the hadronic model's checks) end at 1 TeV
# columns of ``Detailed.accounting`` (MeV unless noted)
(ACTIVE, PASSIVE, ESC_FRONT, ESC_BACK, ESC_SIDE, BELOW_CUT, TRACK_LENGTH, STEPS, INVISIBLE, EM_FROM_PI0, N_NUCLEAR,
 FIRST_NUCLEAR_Z, QUENCHED) = range(13)
N_ACCOUNTING = 13
MAX_POLAR_ANGLE = 0.5 * math.pi - 1e-6  # rad: a shower must enter through the front face


@dataclass
class Detailed:
    """Showers plus the bookkeeping of ``simulate_detailed``.

    accounting: (N, 13) columns ACTIVE, PASSIVE (deposits, MeV), ESC_FRONT, ESC_BACK, ESC_SIDE
    (escaped, MeV), BELOW_CUT (local deposits of particles below the cuts or range-rejected, and
    binding energies, MeV; part of ACTIVE + PASSIVE), TRACK_LENGTH (charged, mm), STEPS, INVISIBLE
    (nuclear binding, slow neutrons, pion decays: MeV), EM_FROM_PI0 (energy of the pi0s, MeV),
    N_NUCLEAR (inelastic interactions), FIRST_NUCLEAR_Z (depth of the first one, mm; NaN when
    none), QUENCHED (the part of ACTIVE that Birks' law keeps from the light, MeV). The showers
    hold the light, with photo-electron statistics where the geometry has them. profile: (N,
    n_slabs) deposit per slab (MeV). available: the energy to account for (kinetic, + 2 m_e for e+,
    + m_pi for a charged pion): deposited + escaped + invisible.
    slab_depth_x0: depth of every slab's centre (radiation lengths).
    """

    showers: Showers
    accounting: np.ndarray
    profile: np.ndarray
    available: np.ndarray
    slab_depth_x0: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def escaped(self) -> np.ndarray:
        return self.accounting[:, ESC_FRONT:ESC_SIDE + 1].sum(axis=1)

    @property
    def deposited(self) -> np.ndarray:
        return self.accounting[:, ACTIVE] + self.accounting[:, PASSIVE]

    @property
    def em_fraction(self) -> np.ndarray:
        """Electromagnetic fraction: energy given to pi0s over the incident kinetic energy (Groom
        divides by the total energy: 1.4 % less for a 10 GeV pion)."""
        return self.accounting[:, EM_FROM_PI0] / self.showers.energies

    @property
    def steps(self) -> np.ndarray:
        return self.accounting[:, STEPS]


def particle_name(particle: str) -> str:
    """Canonical particle name (electron, positron, photon, mu-, mu+, proton, pi+, pi-, neutron)."""
    try:
        return PARTICLES[str(particle).strip().lower()]
    except KeyError:
        raise InputError(f"unknown particle {particle!r} (use {PARTICLE_HELP})") from None


def check_energies(energies: np.ndarray) -> None:
    """Refuse kinetic energies (MeV) that are not positive, not finite, or beyond 1 TeV."""
    if energies.size and (not np.all(np.isfinite(energies)) or energies.min() <= 0):
        raise InputError("incident energies must be positive and finite (MeV)")
    if energies.size and energies.max() > MAX_KINETIC_MEV:
        raise InputError(f"incident kinetic energy {energies.max() / 1e3:g} GeV is beyond 1 TeV, where the "
                         "Monte Carlo's physics tables end")


def resolve_geometry(geometry: str | Geometry) -> Geometry:
    """A registered geometry by name (or the given one), refused when it has no material stack."""
    geo = get_geometry(geometry) if isinstance(geometry, str) else geometry
    if not geo.simulatable:
        raise GeometryError(f"geometry {geo.name!r} has no material stack and cannot be simulated")
    return geo


def _sequences(seed: int, start_index: int, n: int) -> list[np.random.SeedSequence]:
    return [np.random.SeedSequence([int(seed), start_index + i]) for i in range(n)]


def shower_seeds(seed: int, start_index: int, n: int) -> np.ndarray:
    """One 32-bit kernel seed per shower from (run seed, global shower index): chunking-independent."""
    return np.array([s.generate_state(1)[0] for s in _sequences(seed, start_index, n)], dtype=np.int64)


def beam(seed: int, start_index: int, n: int, impact: tuple[float, float], impact_spread: float,
         angle_spread: float) -> tuple[np.ndarray, np.ndarray]:
    """(start_xy (n, 2) mm, directions (n, 3)) with Gaussian impact (mm) and polar-angle (rad)
    spreads, each shower from a child of its own (seed, global index) sequence, so a shower's
    beam does not depend on chunking and its stream is independent of the kernel's."""
    rngs = [np.random.default_rng(s.spawn(1)[0]) for s in _sequences(seed, start_index, n)]
    normal = np.array([r.standard_normal(3) for r in rngs]).reshape(n, 3)
    phi = 2.0 * np.pi * np.array([r.random() for r in rngs])
    start_xy = np.asarray(impact, dtype=np.float64) + impact_spread * normal[:, :2]
    theta = np.minimum(np.abs(angle_spread * normal[:, 2]), MAX_POLAR_ANGLE)
    directions = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], axis=1)
    return start_xy, directions


def available_energy(particle: str, energies: np.ndarray) -> np.ndarray:
    """Energy to account for: kinetic, + 2 m_e released when a positron annihilates, + the rest
    mass of a charged pion (released when it decays, is captured or interacts)."""
    extra = {"positron": 2.0 * ELECTRON_MASS, "pi+": PION_MASS, "pi-": PION_MASS}.get(particle, 0.0)
    return energies + extra


def _accounting(acc: np.ndarray) -> np.ndarray:
    """The kernel's columns (continuous / below-cut deposits apart) in ``Detailed``'s layout."""
    out = np.zeros((acc.shape[0], N_ACCOUNTING))
    out[:, ACTIVE] = acc[:, kc.ACT_CONT] + acc[:, kc.ACT_CUT]
    out[:, PASSIVE] = acc[:, kc.PAS_CONT] + acc[:, kc.PAS_CUT]
    out[:, ESC_FRONT:ESC_SIDE + 1] = acc[:, kc.ESC_FRONT:kc.ESC_SIDE + 1]
    out[:, BELOW_CUT] = acc[:, kc.ACT_CUT] + acc[:, kc.PAS_CUT]
    out[:, TRACK_LENGTH] = acc[:, kc.TRACK_LENGTH]
    out[:, STEPS] = acc[:, kc.N_STEPS]
    out[:, INVISIBLE] = acc[:, kc.INVISIBLE]
    out[:, EM_FROM_PI0] = acc[:, kc.EM_FROM_PI0]
    out[:, N_NUCLEAR] = acc[:, kc.N_NUCLEAR]
    out[:, FIRST_NUCLEAR_Z] = np.where(acc[:, kc.N_NUCLEAR] > 0, acc[:, kc.FIRST_NUCLEAR_Z], np.nan)
    out[:, QUENCHED] = acc[:, kc.QUENCHED]
    return out


def simulate_detailed(geometry: str | Geometry, particle: str, energies: np.ndarray | list[float] | float,
                      seed: int = 0, cuts: Cuts | None = None, impact: tuple[float, float] = (0.0, 0.0),
                      impact_spread: float = 0.0, angle_spread: float = 0.0, start_index: int = 0) -> Detailed:
    """Simulate showers of ``particle`` with kinetic ``energies`` (MeV) entering at z = 0.

    impact (mm) and Gaussian spreads impact_spread (mm) and angle_spread (rad, polar angle);
    start_index is the global index of the first shower (seeds are per global index).
    """
    geo, name = resolve_geometry(geometry), particle_name(particle)
    energies = np.atleast_1d(np.asarray(energies, dtype=np.float64))
    check_energies(energies)
    if impact_spread < 0 or angle_spread < 0:
        raise InputError("impact and angle spreads must be >= 0")
    n = energies.size
    start_xy, directions = beam(seed, start_index, n, impact, impact_spread, angle_spread)
    deposits, acc, profile = run_kernel(geo, name, energies, shower_seeds(seed, start_index, n), start_xy,
                                        directions, cuts or Cuts())
    attrs = {"geometry": geo.name, "particle": name, "pdg_id": PDG_ID[name], "generator": "caloforge-mc",
             "seed": int(seed)}
    depth = slab_edges_x0(geo)
    return Detailed(Showers(energies, deposits.astype(np.float32), attrs), _accounting(acc), profile,
                    available_energy(name, energies), 0.5 * (depth[1:] + depth[:-1]))


def simulate(geometry: str | Geometry, particle: str, energies: np.ndarray | list[float] | float,
             seed: int = 0, cuts: Cuts | None = None, impact: tuple[float, float] = (0.0, 0.0),
             impact_spread: float = 0.0, angle_spread: float = 0.0, start_index: int = 0) -> Showers:
    """Reference showers (CaloChallenge layout, MeV) of ``particle`` at ``energies`` (MeV) in
    ``geometry`` (a name or a ``Geometry`` with slabs); see ``simulate_detailed``."""
    return simulate_detailed(geometry, particle, energies, seed, cuts, impact, impact_spread,
                             angle_spread, start_index).showers
