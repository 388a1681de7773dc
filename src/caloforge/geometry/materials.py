"""Material table of the built-in detectors.

Values from the PDG "Atomic and Nuclear Properties of Materials" tables (pdg.lbl.gov/AtomicNuclear
Properties): density, radiation length X0, Moliere
radius R_M, critical energy E_c (electrons), nuclear interaction length, mean excitation energy I.
Compositions are mass fractions, used by the Monte Carlo for cross sections that scale with Z.
"""

from __future__ import annotations

from dataclasses import dataclass

from caloforge.errors import GeometryError


@dataclass(frozen=True)
class Element:
    """One constituent of a material: atomic number, atomic mass (g/mol), mass fraction."""

    Z: int
    A: float
    mass_fraction: float


@dataclass(frozen=True)
class Material:
    """A detector material with the properties that electromagnetic showers depend on."""

    name: str
    density: float  # g/cm^3
    X0_g_cm2: float  # radiation length, g/cm^2
    moliere_radius_cm: float
    critical_energy_mev: float  # electrons (Rossi definition, PDG)
    interaction_length_cm: float
    mean_excitation_ev: float
    dedx_min: float  # minimum ionisation loss, MeV cm^2/g
    elements: tuple[Element, ...]
    source: str = "PDG Atomic and Nuclear Properties"
    # Birks' constant kB of a scintillator (mm/MeV): the light is dE / (1 + kB dE/dx); 0 = no quenching
    birks_mm_per_mev: float = 0.0

    @property
    def X0_cm(self) -> float:
        """Radiation length in cm."""
        return self.X0_g_cm2 / self.density

    @property
    def X0_mm(self) -> float:
        """Radiation length in mm (CaloForge's length unit)."""
        return 10.0 * self.X0_cm

    @property
    def Z_over_A(self) -> float:
        """Mean <Z/A> (mol/g): electrons per gram / N_A, which sets ionisation and Compton."""
        return sum(e.mass_fraction * e.Z / e.A for e in self.elements)


def _compound(parts: dict[tuple[int, float], float]) -> tuple[Element, ...]:
    """Mass fractions from atom counts: ``{(Z, A): n_atoms}``."""
    total = sum(a * n for (_, a), n in parts.items())
    return tuple(Element(z, a, a * n / total) for (z, a), n in parts.items())


HYDROGEN, CARBON, OXYGEN = (1, 1.008), (6, 12.011), (8, 15.999)
# Birks' constant of polystyrene-based plastic scintillator, C1 = 0.013 g cm^-2 MeV^-1: GEANT3's
# GBIRK default (Birks 1951, measured for anthracene/polystyrene) and the value of the AMS-02 GEANT3
# offline simulation and of the CMS HCAL scintillator (kB = 0.126 mm/MeV at 1.032 g/cm^3).
POLYSTYRENE_BIRKS_G_CM2 = 0.013

MATERIALS: dict[str, Material] = {
    m.name: m
    for m in (
        Material("Pb", 11.35, 6.37, 1.602, 7.43, 17.59, 823.0, 1.122, (Element(82, 207.2, 1.0),)),
        Material("W", 19.30, 6.76, 0.9327, 7.97, 9.946, 727.0, 1.145, (Element(74, 183.84, 1.0),)),
        Material(
            "PbWO4", 8.30, 7.39, 1.959, 9.64, 20.28, 600.7, 1.229,
            _compound({(82, 207.2): 1, (74, 183.84): 1, OXYGEN: 4}),
        ),
        Material("Fe", 7.874, 13.84, 1.719, 21.68, 16.77, 286.0, 1.451, (Element(26, 55.845, 1.0),)),
        Material("Cu", 8.96, 12.86, 1.568, 19.42, 15.32, 322.0, 1.403, (Element(29, 63.546, 1.0),)),
        Material("Si", 2.329, 21.82, 4.944, 40.19, 46.52, 173.0, 1.664, (Element(14, 28.0855, 1.0),)),
        Material("LAr", 1.396, 19.55, 9.043, 32.84, 85.77, 188.0, 1.508, (Element(18, 39.948, 1.0),)),
        # plastic scintillator (polystyrene, PDG); fibres of the AMS ECAL and tile calorimeters
        Material("polystyrene", 1.060, 43.79, 9.41, 93.11, 77.07, 68.7, 1.936, _compound({CARBON: 8, HYDROGEN: 8}),
                 birks_mm_per_mev=POLYSTYRENE_BIRKS_G_CM2 / 1.060 * 10.0),
        # epoxy glue modelled as PMMA (C5H8O2, PDG "polymethylmethacrylate")
        Material("epoxy", 1.190, 40.55, 7.78, 85.24, 63.28, 74.0, 1.929,
                 _compound({CARBON: 5, HYDROGEN: 8, OXYGEN: 2})),
    )
}


def get_material(name: str) -> Material:
    """Look up a material by name; unknown names are a ``GeometryError``."""
    try:
        return MATERIALS[name]
    except KeyError:
        known = ", ".join(sorted(MATERIALS))
        raise GeometryError(f"unknown material {name!r} (known: {known})") from None
