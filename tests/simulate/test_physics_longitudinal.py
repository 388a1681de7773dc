"""Longitudinal development: t_max = ln(E/E_c) + C (PDG 34.5), photons start later, leakage."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.geometry import get_geometry
from caloforge.mc import simulate_detailed
from caloforge.mc.analysis import centre_of_gravity_x0, effective_critical_energy, longitudinal_tmax
from caloforge.units import GeV

pytestmark = pytest.mark.slow  # Monte Carlo physics: hundreds of showers

C_OFFSET = {"e-": -0.5, "photon": 0.5}
# enough showers that the statistical error of the fitted t_max is ~0.1-0.15 X0: photon showers
# need more, since the depth of the first conversion (mean 9/7 X0) fluctuates from shower to
# shower (with 60 showers the fitted 10 GeV photon C scattered from -0.1 to +0.5 between seeds;
# with 16 at 100 GeV, by +-0.3 X0)
N_SHOWERS = {10 * GeV: 200, 100 * GeV: 36}


@pytest.fixture(scope="module")
def showers() -> dict[tuple[str, str, float], object]:
    # impact points spread over many fibre pitches: at one fixed point a shower's core channels
    # along a line with more (or less) lead than the average (test_fibres_and_light)
    return {(geo, p, e): simulate_detailed(geo, p, [e] * N_SHOWERS[e], seed=11, impact_spread=5.0)
            for geo in ("pbwo4-block", "ams-ecal") for p in ("e-", "photon") for e in N_SHOWERS}


CASES = [(g, p, e) for g in ("pbwo4-block", "ams-ecal") for p in ("e-", "photon") for e in (10 * GeV, 100 * GeV)]


@pytest.mark.parametrize(("geometry", "particle", "energy"), CASES)
def test_depth_of_maximum(showers, geometry: str, particle: str, energy: float) -> None:
    geo = get_geometry(geometry)
    expected = np.log(energy / effective_critical_energy(geo)) + C_OFFSET[particle]
    t_max = longitudinal_tmax(geo, showers[(geometry, particle, energy)].profile)
    # PDG's band is +-0.5 X0. Photons get 0.7 X0: the MC's photon showers peak 0.45-0.75 X0 behind
    # the electron showers instead of Rossi's 1 X0 (README, known deviation), and their fitted
    # t_max scatters by ~0.2 X0 with 36 showers at 100 GeV (first-conversion depth)
    tolerance = 0.5 if particle == "e-" else 0.7
    assert abs(t_max - expected) <= tolerance, (geometry, particle, energy, t_max, expected)


@pytest.mark.parametrize("geometry", ["pbwo4-block", "ams-ecal"])
def test_photons_start_deeper(showers, geometry: str) -> None:
    geo = get_geometry(geometry)
    e_depth = centre_of_gravity_x0(geo, showers[(geometry, "e-", 10 * GeV)].profile).mean()
    g_depth = centre_of_gravity_x0(geo, showers[(geometry, "photon", 10 * GeV)].profile).mean()
    # a photon first travels one conversion length (9/7 X0) before it is an electron pair
    assert 0.4 < g_depth - e_depth < 2.0


def test_longitudinal_leakage_ams(showers) -> None:
    """17.4 X0: ~4% escapes at 10 GeV and ~9-12% at 100 GeV (PDG: 91% contained in 17 X0)."""
    leak = {e: float(np.mean(showers[("ams-ecal", "e-", e)].escaped) / e) for e in N_SHOWERS}
    assert 0.02 < leak[10 * GeV] < 0.09
    assert 0.05 < leak[100 * GeV] < 0.18
    assert leak[100 * GeV] > leak[10 * GeV]
