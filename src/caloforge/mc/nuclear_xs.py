"""Nuclear inelastic interaction lengths of hadrons per material, for the physics tables.

* Protons and neutrons: the PDG nuclear interaction length lambda_I of the material ("Atomic and
  Nuclear Properties", the value stored on each ``Material``), energy-independent: above a few GeV
  the inelastic cross sections are flat to within ~10 %, and below that the hadrons of a shower
  mostly range out before they interact.
* Charged pions: lambda_I times the ratio of the proton to the pion absorption cross sections
  fitted by Carroll et al., Phys. Lett. B 80 (1979) 319 (60-280 GeV/c on nuclei from Li to Pb):
  sigma_abs(pA) = 44.7 A^0.69 mb and sigma_abs(piA) = 28.5 A^0.75 mb, i.e. lambda_pi / lambda_p =
  1.568 A^-0.06 per element: 1.14 in lead, 1.23 in iron, 1.35 in carbon (shared/docs/
  hadron-physics.md: lambda_pi ~ 1.1-1.3 lambda_p).
* The struck nucleus of a compound: element i with probability n_i A_i^0.69 (its share of the
  proton cross section in the same fit).
"""

from __future__ import annotations

import numpy as np

from caloforge.geometry.materials import Material
from caloforge.units import AVOGADRO

PROTON_ALPHA = 0.69
PION_TO_PROTON_SIGMA = 28.5 / 44.7  # Carroll et al. 1979, times A^(0.75 - 0.69)
PION_ALPHA_EXCESS = 0.75 - 0.69
MAX_TARGETS = 4  # elements per material the kernel can choose the struck nucleus from


def target_weights(m: Material) -> list[tuple[float, float, float]]:
    """(probability, A, Z) of each element being the struck nucleus, heaviest first."""
    raw = [(m.density * e.mass_fraction * AVOGADRO / e.A * e.A**PROTON_ALPHA, e.A, float(e.Z)) for e in m.elements]
    total = sum(w for w, _, _ in raw)
    return sorted(((w / total, a, z) for w, a, z in raw), key=lambda r: -r[1])


def pion_length_ratio(m: Material) -> float:
    """lambda_pi / lambda_p of the material: the inverse of the cross-section-weighted sigma ratio."""
    ratio = sum(p * PION_TO_PROTON_SIGMA * a**PION_ALPHA_EXCESS for p, a, _ in target_weights(m))
    return 1.0 / ratio


def nuclear_params(m: Material) -> np.ndarray:
    """[lambda_N mm, lambda_pi mm, then MAX_TARGETS x (cumulative probability, A, Z)] of a material."""
    targets = target_weights(m)
    if len(targets) > MAX_TARGETS:  # keep the most probable ones, renormalised
        targets = sorted(targets, key=lambda r: -r[0])[:MAX_TARGETS]
        norm = sum(p for p, _, _ in targets)
        targets = [(p / norm, a, z) for p, a, z in targets]
    out = np.zeros(2 + 3 * MAX_TARGETS)
    lam = 10.0 * m.interaction_length_cm
    out[0], out[1] = lam, lam * pion_length_ratio(m)
    cum = 0.0
    for k in range(MAX_TARGETS):
        p, a, z = targets[min(k, len(targets) - 1)]
        cum = cum + p if k < len(targets) else 1.0
        out[2 + 3 * k:5 + 3 * k] = (min(cum, 1.0), a, z)
    out[2 + 3 * (len(targets) - 1)] = 1.0
    return out
