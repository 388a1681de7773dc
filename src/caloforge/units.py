"""Units as named constants, so that no number in CaloForge carries a hidden scale.

Internal units follow Geant4: energy in MeV, length in mm. Multiply by a unit to convert into the
internal system, divide to convert out of it (``e_gev = e / GeV``).
"""

from __future__ import annotations

import re

import numpy as np

from caloforge.errors import InputError

# energy
MeV = 1.0
keV = 1e-3 * MeV
eV = 1e-6 * MeV
GeV = 1e3 * MeV
TeV = 1e6 * MeV
# length
mm = 1.0
cm = 10.0 * mm
m = 1000.0 * mm
# physical constants (PDG 2024)
ELECTRON_MASS = 0.51099895 * MeV
FINE_STRUCTURE = 1.0 / 137.035999
CLASSICAL_ELECTRON_RADIUS_CM = 2.8179403262e-13
AVOGADRO = 6.02214076e23

_ENERGY_UNITS = {"ev": eV, "kev": keV, "mev": MeV, "gev": GeV, "tev": TeV}
_ENERGY_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")


def parse_energy(text: str) -> float:
    """Parse one energy such as ``"10GeV"`` or ``"512 MeV"`` into MeV.

    The unit is required: a bare ``10`` could be MeV (Geant4's unit) or GeV (what a physicist
    says), a factor 1000 apart, so it is refused rather than guessed."""
    match = _ENERGY_RE.match(text)
    if not match:
        raise InputError(f"cannot read energy {text!r}: expected a number and a unit, e.g. 10GeV")
    if not match.group(2):
        raise InputError(f"energy {text!r} needs a unit: write {match.group(1)}GeV or {match.group(1)}MeV")
    value, unit = float(match.group(1)), match.group(2).lower()
    if unit not in _ENERGY_UNITS:
        raise InputError(f"unknown energy unit {match.group(2)!r} in {text!r} (use eV, keV, MeV, GeV, TeV)")
    energy = value * _ENERGY_UNITS[unit]
    if energy <= 0:
        raise InputError(f"energy must be positive, got {text!r}")
    return energy


def parse_energy_spec(text: str) -> tuple[str, np.ndarray]:
    """Parse an energy specification of the CLI.

    ``"10GeV"`` is one fixed energy, ``"1GeV,10GeV,100GeV"`` a list, ``"1GeV:100GeV"`` a
    log-uniform range. Returns ``("fixed"|"list"|"range", energies in MeV)``; a range gives
    its two ends.
    """
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 2:
            raise InputError(f"energy range {text!r} must look like 1GeV:100GeV")
        low, high = parse_energy(parts[0]), parse_energy(parts[1])
        if not low < high:
            raise InputError(f"energy range {text!r} must go from low to high")
        return "range", np.array([low, high])
    values = np.array([parse_energy(p) for p in text.split(",") if p.strip()])
    if values.size == 0:
        raise InputError("empty energy specification")
    return ("fixed" if values.size == 1 else "list"), values


def draw_energies(spec: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` incident energies (MeV) from a CLI specification (see ``parse_energy_spec``).

    A list is cycled in order (equal counts per energy, as in CaloChallenge dataset 1); a range
    is sampled log-uniformly (as in datasets 2 and 3).
    """
    kind, values = parse_energy_spec(spec)
    if kind == "range":
        return np.exp(rng.uniform(np.log(values[0]), np.log(values[1]), size=n))
    return np.resize(values, n).astype(np.float64)


def format_energy(energy_mev: float) -> str:
    """Human-readable energy: ``format_energy(1e4) == '10 GeV'``."""
    for name, scale in (("TeV", TeV), ("GeV", GeV), ("MeV", MeV), ("keV", keV)):
        if abs(energy_mev) >= scale:
            return f"{energy_mev / scale:.4g} {name}"
    return f"{energy_mev / eV:.4g} eV"
