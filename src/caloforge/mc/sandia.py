"""Photoelectric cross sections: Sandia parametrisation (Biggs & Lighthill, SAND-0070, 1990).

sigma/rho (cm^2/g) = a1/E + a2/E^2 + a3/E^3 + a4/E^4 with E in keV, piecewise in energy; rows are
(left border keV, a1, a2, a3, a4) as compiled in Geant4's G4StaticSandiaData.hh. Only the rows
above a few keV are kept: the Monte Carlo never tracks photons below its cut (>= 5 keV).
"""

from __future__ import annotations

import numpy as np

SANDIA_ROWS: dict[int, tuple[tuple[float, float, float, float, float], ...]] = {
    1: ((4.0, 0.1180e-02, -0.8236e-01, 0.2886e01, 0.5534e01),
        (20.0, 0.1620e-04, -0.5610e-02, 0.1214e01, 0.1761e02),
        (100.0, 0.1034e-05, -0.4114e-03, 0.6287e00, 0.3927e02),
        (500.0, 0.4599e-06, 0.5006e-03, -0.1425e-01, 0.1960e03)),
    6: ((4.0, 0.1640e01, -0.9428e02, 0.2872e04, -0.5583e03),
        (20.0, -0.3742e-02, -0.1232e01, 0.9489e03, 0.1406e05),
        (100.0, 0.6760e-03, -0.1164e00, 0.6566e03, 0.2739e05),
        (500.0, 0.4503e-03, 0.4692e00, 0.2183e03, 0.1308e06)),
    8: ((4.0, 0.2745e01, -0.1747e03, 0.7159e04, -0.2213e04),
        (20.0, 0.3774e-01, -0.1559e02, 0.4045e04, 0.1810e05),
        (100.0, 0.3169e-02, -0.1146e01, 0.2194e04, 0.9131e05),
        (500.0, 0.1367e-02, 0.1473e01, 0.7214e03, 0.4048e06)),
    14: ((1.839, -0.4056e01, -0.1089e02, 0.3544e05, -0.2595e05),
         (20.0, 0.4945e00, -0.1682e03, 0.3627e05, -0.1605e05),
         (100.0, 0.2716e-01, -0.5428e01, 0.1775e05, 0.6765e06),
         (500.0, 0.1127e-01, 0.1376e02, 0.4871e04, 0.4477e07)),
    18: ((3.203, -0.1446e02, 0.4359e03, 0.6578e05, -0.7284e05),
         (20.0, 0.8786e00, -0.3001e03, 0.7682e05, -0.1219e06),
         (100.0, 0.6779e-01, -0.2695e02, 0.5069e05, 0.5281e06),
         (500.0, 0.2598e-01, 0.3454e02, 0.1059e05, 0.1068e08)),
    26: ((7.112, 0.2151e00, -0.2680e03, 0.2341e06, -0.6063e06),
         (100.0, 0.3511e00, -0.1633e03, 0.2090e06, 0.7131e06),
         (500.0, 0.1026e00, 0.1572e03, 0.5901e05, 0.2806e08)),
    29: ((8.981, 0.7440e-02, -0.2371e03, 0.3202e06, -0.1028e07),
         (100.0, 0.4729e00, -0.2055e03, 0.3000e06, 0.2182e06),
         (500.0, 0.1472e00, 0.2345e03, 0.8644e05, 0.3990e08)),
    74: ((2.281, 0.1412e03, 0.2762e03, 0.8940e05, -0.1129e06),
         (10.204, -0.6206e02, 0.4525e04, 0.2194e06, -0.1223e06),
         (11.541, -0.1211e03, 0.1058e05, 0.2701e06, -0.2556e06),
         (12.098, -0.2105e02, 0.4623e04, 0.5109e06, -0.1835e07),
         (69.525, 0.5276e01, 0.2999e04, 0.4828e07, -0.1030e09),
         (500.0, 0.3099e01, 0.6112e04, 0.3348e07, 0.1310e09)),
    82: ((3.066, 0.6749e02, 0.6789e03, 0.1401e06, -0.2437e06),
         (13.035, -0.7125e02, 0.7126e04, 0.2931e06, -0.2779e06),
         (15.2, -0.1363e03, 0.1992e05, 0.2721e06, -0.4887e06),
         (15.861, -0.8206e01, 0.4058e04, 0.7950e06, -0.4115e07),
         (88.004, 0.7595e01, 0.4692e04, 0.6429e07, -0.1747e09),
         (500.0, 0.4240e01, 0.8883e04, 0.4754e07, 0.3448e08)),
}

# K- and L1-shell binding energies (keV) of the elements whose photoelectrons matter.
SHELL_BINDING_KEV: dict[int, tuple[float, float]] = {
    82: (88.004, 15.861), 74: (69.525, 12.098), 29: (8.981, 1.096), 26: (7.112, 0.845),
    18: (3.203, 0.326), 14: (1.839, 0.149), 8: (0.532, 0.0), 6: (0.284, 0.0), 1: (0.0136, 0.0),
}


def photoelectric_mass_coefficient(z: int, energy_mev: np.ndarray) -> np.ndarray:
    """Photoelectric mass attenuation coefficient (cm^2/g) of element ``z`` at ``energy_mev``."""
    if z not in SANDIA_ROWS:
        raise KeyError(f"no Sandia photoelectric data for Z={z}")
    rows = np.array(SANDIA_ROWS[z])
    e_kev = np.asarray(energy_mev, dtype=float) * 1e3
    idx = np.clip(np.searchsorted(rows[:, 0], e_kev, side="right") - 1, 0, len(rows) - 1)
    a = rows[idx]
    sigma = a[..., 1] / e_kev + a[..., 2] / e_kev**2 + a[..., 3] / e_kev**3 + a[..., 4] / e_kev**4
    return np.maximum(sigma, 0.0)
