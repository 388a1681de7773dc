"""Energy bookkeeping shower by shower, determinism and API input checks of the reference MC."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.errors import GeometryError, InputError
from caloforge.geometry import Geometry, get_geometry
from caloforge.mc import Cuts, simulate, simulate_detailed
from caloforge.mc import api as mc_api
from caloforge.units import ELECTRON_MASS, GeV, MeV


@pytest.mark.parametrize("geometry", ["pbwo4-block", "ams-ecal", "ds1-photon-like", "ds2-like"])
@pytest.mark.parametrize("particle", ["e-", "e+", "photon", "mu-", "mu+"])
def test_energy_conservation_per_shower(geometry: str, particle: str) -> None:
    energies = np.array([5 * MeV, 200 * MeV, 2 * GeV])
    d = simulate_detailed(geometry, particle, energies, seed=31)
    balance = d.deposited + d.escaped
    np.testing.assert_allclose(balance, d.available, rtol=1e-9)
    assert np.all(d.accounting[:, :5] >= 0.0)
    below = d.accounting[:, 5]
    assert np.all(below >= 0.0) and np.all(below <= d.deposited + 1e-9)
    # the readout sees the light of the active deposits (Birks-quenched) and nothing outside the
    # cells is invented; with photo-electron statistics the cells' sum fluctuates about it (Poisson)
    light = d.accounting[:, mc_api.ACTIVE] - d.accounting[:, mc_api.QUENCHED]
    assert np.all(d.accounting[:, mc_api.QUENCHED] >= 0.0) and np.all(light >= 0.0)
    pe = get_geometry(geometry).photoelectrons_per_mev
    slack = 5.0 * np.sqrt(light / pe) + 5.0 / pe if pe else 0.0
    assert np.all(d.showers.total_energy() <= light * (1 + 1e-5) + 1e-6 + slack)


def test_positron_releases_its_rest_mass() -> None:
    d = simulate_detailed("pbwo4-block", "e+", [1 * GeV], seed=32)
    assert d.available[0] == pytest.approx(1 * GeV + 2 * ELECTRON_MASS)


def test_same_seed_same_showers_and_chunking_invariance() -> None:
    energies = np.array([1.0, 2.0, 0.5, 3.0, 1.5, 0.7]) * GeV
    full = simulate("ams-ecal", "e-", energies, seed=7)
    again = simulate("ams-ecal", "e-", energies, seed=7)
    np.testing.assert_array_equal(full.showers, again.showers)
    parts = [simulate("ams-ecal", "e-", energies[i:i + 2], seed=7, start_index=i) for i in (0, 2, 4)]
    np.testing.assert_array_equal(full.showers, np.concatenate([p.showers for p in parts]))
    other = simulate("ams-ecal", "e-", energies, seed=8)
    assert not np.array_equal(full.showers, other.showers)
    assert full.attrs == {"geometry": "ams-ecal", "particle": "electron", "pdg_id": 11, "generator": "caloforge-mc",
                          "seed": 7}


def test_impact_point_moves_the_shower() -> None:
    geo = get_geometry("ams-ecal")
    x = geo.readout.voxel_centres[0]
    shifted = simulate(geo, "e-", [2 * GeV] * 5, seed=3, impact=(90.0, 0.0)).showers
    x_layers = geo.readout.voxel_layer < 2  # the first superlayer measures x
    centroid = (shifted[:, x_layers] * x[x_layers]).sum() / shifted[:, x_layers].sum()
    assert 80.0 < centroid < 100.0


def test_cuts_change_the_numbers_not_the_energy() -> None:
    loose = simulate_detailed("pbwo4-block", "e-", [1 * GeV] * 4, seed=5, cuts=Cuts(e_cut=2.0, gamma_cut=0.2))
    tight = simulate_detailed("pbwo4-block", "e-", [1 * GeV] * 4, seed=5)
    assert loose.steps.mean() < tight.steps.mean()
    np.testing.assert_allclose(loose.deposited + loose.escaped, loose.available, rtol=1e-9)


def test_bad_input() -> None:
    with pytest.raises(InputError):
        simulate("ams-ecal", "tau", [1 * GeV])
    with pytest.raises(InputError):
        simulate("ams-ecal", "e-", [-1.0])
    with pytest.raises(InputError):
        Cuts(e_cut=0.0)
    with pytest.raises(GeometryError):
        simulate("no-such-geometry", "e-", [1 * GeV])
    readout_only = Geometry("bare", "binning only", (), get_geometry("ds2-like").readout)
    with pytest.raises(GeometryError):
        simulate(readout_only, "e-", [1 * GeV])
