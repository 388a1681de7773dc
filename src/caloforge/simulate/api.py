"""Python entry points of the reference Monte Carlo: ``simulate`` and ``simulate_detailed``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from caloforge.errors import GeometryError, InputError
from caloforge.geometry import Geometry, get_geometry, get_material
from caloforge.io import Showers
from caloforge.simulate import kernel
from caloforge.simulate.sandia import SHELL_BINDING_KEV
from caloforge.simulate.tables import TWOPI_MC2_RCL2, MaterialTables, build_tables, electron_density_mm3
from caloforge.units import ELECTRON_MASS, keV

PARTICLES = {"e-": "electron", "electron": "electron", "e+": "positron", "positron": "positron",
             "photon": "photon", "gamma": "photon"}
KIND = {"photon": kernel.PHOTON, "electron": kernel.ELECTRON, "positron": kernel.POSITRON}


@dataclass(frozen=True)
class Cuts:
    """Transport cuts.

    e_cut (MeV, kinetic): delta-ray production cut and tracking cut of e+-; 0.5 MeV is a range of
    0.3 mm in Pb and 1.7 mm in plastic, below the 1 mm foils and fibres of the AMS ECAL.
    gamma_cut (MeV): bremsstrahlung production and photon tracking cut; 30 keV photons are
    absorbed within ~0.1 mm of lead, while in a high-Z sampling calorimeter the soft photons that
    die in the absorber set the e/mip ratio, so the cut must stay well below 100 keV.
    step_x0: largest charged step in radiation lengths (also limited to 20% of the range).
    """

    e_cut: float = 0.5
    gamma_cut: float = 30 * keV
    step_x0: float = 0.1

    def __post_init__(self) -> None:
        if not (0.01 <= self.e_cut <= 10.0 and 1e-3 <= self.gamma_cut <= 10.0 and 0.001 <= self.step_x0 <= 1.0):
            raise InputError("cuts out of range: e_cut 0.01-10 MeV, gamma_cut 0.001-10 MeV, step_x0 0.001-1")


@dataclass
class Detailed:
    """Showers plus the bookkeeping of ``simulate_detailed``.

    accounting: (N, 8) MeV columns active, passive, escaped front, back, side, below cut (part of
    the deposits), charged track length (mm), steps. profile: (N, n_slabs) deposit per slab (MeV).
    available: energy the shower can deposit (kinetic, + 2 m_e for e+).
    """

    showers: Showers
    accounting: np.ndarray
    profile: np.ndarray
    available: np.ndarray
    slab_depth_x0: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def escaped(self) -> np.ndarray:
        return self.accounting[:, kernel.ESC_FRONT:kernel.ESC_SIDE + 1].sum(axis=1)

    @property
    def deposited(self) -> np.ndarray:
        return self.accounting[:, kernel.ACTIVE] + self.accounting[:, kernel.PASSIVE]

    @property
    def steps(self) -> np.ndarray:
        return self.accounting[:, kernel.STEPS]


def particle_name(particle: str) -> str:
    """Canonical particle name (electron, positron, photon) of a CLI/API spelling."""
    try:
        return PARTICLES[particle.strip().lower()]
    except KeyError:
        raise InputError(f"unknown particle {particle!r} (use e-, e+ or photon)") from None


def resolve_geometry(geometry: str | Geometry) -> Geometry:
    geo = get_geometry(geometry) if isinstance(geometry, str) else geometry
    if not geo.simulatable:
        raise GeometryError(f"geometry {geo.name!r} has no material stack and cannot be simulated")
    return geo


def shower_seeds(seed: int, start_index: int, n: int) -> np.ndarray:
    """One 32-bit seed per shower from (run seed, global shower index): chunking-independent."""
    return np.array([np.random.SeedSequence([int(seed), start_index + i]).generate_state(1)[0]
                     for i in range(n)], dtype=np.int64)


@lru_cache(maxsize=16)
def _tables(materials: tuple[str, ...], e_cut: float, gamma_cut: float) -> MaterialTables:
    return build_tables(list(materials), e_cut, gamma_cut)


def _readout_arrays(geo: Geometry) -> tuple[np.ndarray, np.ndarray]:
    layers = geo.readout.layers
    width = 2 + max(len(layer.r_edges) for layer in layers)
    lay_int = np.zeros((len(layers), 5), dtype=np.int64)
    lay_flt = np.full((len(layers), width), np.inf)
    for p, layer in enumerate(layers):
        strip = layer.kind == "strip"
        lay_int[p] = (int(strip), geo.readout.offsets[p], layer.n_r if layer.n_voxels else 0,
                      layer.n_alpha, int(layer.axis == "y"))
        lay_flt[p, 0] = layer.pitch
        if not strip:
            lay_flt[p, 1:1 + len(layer.r_edges)] = layer.r_edges
    return lay_int, lay_flt


def _binding(name: str) -> float:
    z = max(e.Z for e in get_material(name).elements)
    return SHELL_BINDING_KEV.get(z, (0.0, 0.0))[0] * keV


def available_energy(particle: str, energies: np.ndarray) -> np.ndarray:
    """Energy a shower can deposit: kinetic (+ 2 m_e released when a positron annihilates)."""
    return energies + (2.0 * ELECTRON_MASS if particle == "positron" else 0.0)


def simulate_detailed(geometry: str | Geometry, particle: str, energies: np.ndarray | list[float] | float,
                      seed: int = 0, cuts: Cuts | None = None, impact: tuple[float, float] = (0.0, 0.0),
                      impact_spread: float = 0.0, angle_spread: float = 0.0, start_index: int = 0) -> Detailed:
    """Simulate showers of ``particle`` with kinetic ``energies`` (MeV) entering at z = 0.

    impact (mm) and Gaussian spreads impact_spread (mm) and angle_spread (rad, polar angle);
    start_index is the global index of the first shower (seeds are per global index).
    """
    geo, name = resolve_geometry(geometry), particle_name(particle)
    cuts = cuts or Cuts()
    energies = np.atleast_1d(np.asarray(energies, dtype=np.float64))
    if energies.size and (not np.all(np.isfinite(energies)) or energies.min() <= 0):
        raise InputError("incident energies must be positive and finite (MeV)")
    materials = tuple(geo.material_names())
    tab = _tables(materials, cuts.e_cut, cuts.gamma_cut)
    index = {m: i for i, m in enumerate(materials)}
    slab_mat = np.array([index[s.material] for s in geo.slabs], dtype=np.int64)
    slab_pos = geo.slab_readout_positions()
    geo_f = np.concatenate([[geo.half_width], geo.z_edges()])
    lay_int, lay_flt = _readout_arrays(geo)
    n = energies.size
    showers = np.zeros((n, geo.n_voxels))
    acct = np.zeros((n, kernel.N_ACCT))
    profile = np.zeros((n, len(geo.slabs)))
    binding = np.array([(_binding(m), TWOPI_MC2_RCL2 * electron_density_mm3(m)) for m in materials])
    kernel.transport_batch(
        KIND[name], energies, shower_seeds(seed, start_index, n),
        np.array([impact[0], impact[1], impact_spread, angle_spread], dtype=np.float64),
        geo_f, slab_mat, slab_pos, lay_int, lay_flt, tab.log_t0, tab.inv_dlog, tab.grid, tab.dedx,
        tab.range_, tab.sig_brems, tab.sig_delta, tab.sig_annih, tab.mu_compton, tab.mu_pair,
        tab.mu_photo, tab.x0, tab.zeff, binding,
        np.array([cuts.e_cut, cuts.gamma_cut, cuts.step_x0]), showers, acct, profile)
    attrs = {"geometry": geo.name, "particle": name, "generator": "caloforge-mc", "seed": int(seed)}
    x0 = np.array([get_material(s.material).X0_mm for s in geo.slabs])
    depth = np.concatenate([[0.0], np.cumsum([s.thickness for s in geo.slabs] / x0)])
    return Detailed(Showers(energies, showers.astype(np.float32), attrs), acct, profile,
                    available_energy(name, energies), 0.5 * (depth[1:] + depth[:-1]))


def simulate(geometry: str | Geometry, particle: str, energies: np.ndarray | list[float] | float,
             seed: int = 0, cuts: Cuts | None = None, impact: tuple[float, float] = (0.0, 0.0),
             impact_spread: float = 0.0, angle_spread: float = 0.0, start_index: int = 0) -> Showers:
    """Reference showers (CaloChallenge layout, MeV) of ``particle`` at ``energies`` (MeV) in
    ``geometry`` (a name or a ``Geometry`` with slabs); see ``simulate_detailed``."""
    return simulate_detailed(geometry, particle, energies, seed, cuts, impact, impact_spread,
                             angle_spread, start_index).showers
