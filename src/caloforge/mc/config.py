"""Transport settings of the reference Monte Carlo (typed, stored in the output file's attributes)."""

from __future__ import annotations

from dataclasses import dataclass

from caloforge.errors import InputError
from caloforge.units import MeV, keV


@dataclass(frozen=True)
class Cuts:
    """Energy cuts and step limits.

    gamma_cut: photons below it deposit locally; also the bremsstrahlung production threshold
        (sub-cut emission is a continuous loss). 20 keV: high-Z sampling calorimeters need
        10-50 keV, or the e/mip ratio comes out wrong (mc-physics.md).
    e_cut: kinetic energy below which e+- stop (e+ then annihilate at rest), and the
        delta-ray production threshold of the restricted dE/dx (one cut, so nothing is counted twice).
    range_rejection_below: e+- below this kinetic energy whose residual range cannot reach the
        nearest slab boundary deposit their energy on the spot (EGS4 range rejection; bremsstrahlung
        below 2 MeV carries < 3% of the energy in Pb).
    max_step_X0 / max_step_range: condensed-history step limits, as fractions of the radiation
        length and of the residual range.
    """

    gamma_cut: float = 20 * keV
    e_cut: float = 0.3 * MeV
    range_rejection_below: float = 2.0 * MeV
    max_step_X0: float = 0.05
    max_step_range: float = 0.2

    def __post_init__(self) -> None:
        if not 5 * keV <= self.gamma_cut <= 10 * MeV:
            raise InputError(f"gamma cut must lie between 5 keV and 10 MeV, got {self.gamma_cut} MeV")
        if not 10 * keV <= self.e_cut <= 10 * MeV:
            raise InputError(f"electron cut must lie between 10 keV and 10 MeV, got {self.e_cut} MeV")
        if self.range_rejection_below < 0:
            raise InputError("range rejection energy must be >= 0")
        if not 0 < self.max_step_X0 <= 1 or not 0 < self.max_step_range <= 1:
            raise InputError("step limits must lie in (0, 1]")

