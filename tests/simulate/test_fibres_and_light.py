"""The AMS ECAL as built: round fibres in lead (navigation), Birks' saturation and photo-electron
statistics (light), checked against geometry and published light-output facts."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.geometry import Geometry, LayerBinning, Readout, Slab, get_geometry, get_material
from caloforge.mc import api as mc_api
from caloforge.mc import simulate_detailed
from caloforge.mc.config import Cuts
from caloforge.mc.geometry_arrays import geometry_arrays
from caloforge.mc.light import birks_light
from caloforge.mc.materials_table import LIGHT_BASE, LIGHT_E, build_tables, energy_grid
from caloforge.mc.navigation import CORE, FAR, MATRIX, RING, fibre_distance, region_of
from caloforge.units import GeV, MeV


@pytest.fixture(scope="module")
def ams_arrays():  # type: ignore[no-untyped-def]
    return geometry_arrays(get_geometry("ams-ecal"))


def random_points(arrays, slab: int, n: int, rng: np.random.Generator) -> np.ndarray:  # type: ignore[no-untyped-def]
    z0, z1 = arrays.z_edges[slab], arrays.z_edges[slab + 1]
    return np.column_stack([rng.uniform(-20, 20, n), rng.uniform(-20, 20, n), rng.uniform(z0, z1, n)])


def test_fibre_regions_fill_the_volume_fractions(ams_arrays) -> None:  # type: ignore[no-untyped-def]
    """Points drawn uniformly in a fibre slab fall in core / ring / lead with the area fractions
    of the lattice (0.94 mm cores, glue ring, 1.35 x 1.85 mm cell), within 4 binomial errors."""
    geo = get_geometry("ams-ecal")
    rng = np.random.default_rng(1)
    n = 40_000
    for slab in (0, 1, 47):  # rows offset by half a pitch, and a y-measuring superlayer
        pts = random_points(ams_arrays, slab, n, rng)
        regions = np.array([region_of(slab, x, y, z, ams_arrays.slab_f) for x, y, z in pts])
        core, ring = geo.slabs[slab].fibres.area_fractions(geo.slabs[slab].thickness)
        for region, expected in ((CORE, core), (RING, ring), (MATRIX, 1 - core - ring)):
            err = np.sqrt(expected * (1 - expected) / n)
            assert abs(np.mean(regions == region) - expected) < 4 * err


def test_fibre_distance_is_the_first_surface_on_the_ray(ams_arrays) -> None:  # type: ignore[no-untyped-def]
    """Along random rays, the region does not change before the distance the navigator returns,
    and does change just after it; a ray with no surface within the limit stays in its region."""
    rng = np.random.default_rng(2)
    slab = 7
    pts = random_points(ams_arrays, slab, 400, rng)
    dirs = rng.normal(size=(400, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    changed = 0
    for (x, y, z), (u, v, w) in zip(pts, dirs, strict=True):
        limit = 3.0
        start = region_of(slab, x, y, z, ams_arrays.slab_f)
        s = fibre_distance(slab, x, y, z, u, v, w, limit, ams_arrays.slab_f)
        end = min(s, limit)
        for t in np.linspace(0, end, 60)[1:-1]:
            zt = z + t * w
            if not ams_arrays.z_edges[slab] <= zt <= ams_arrays.z_edges[slab + 1]:
                break
            assert region_of(slab, x + t * u, y + t * v, zt, ams_arrays.slab_f) == start
        if s < FAR:
            assert s < limit
            t = s + 1e-5
            changed += region_of(slab, x + t * u, y + t * v, z + t * w, ams_arrays.slab_f) != start
        else:
            changed += 1  # nothing to cross
    assert changed >= 399  # only a grazing ray may touch a surface without crossing it


def test_muon_light_per_layer_follows_the_fibre_path() -> None:
    """10 GeV muons with impact points spread over many fibre pitches: the mean light per layer is
    the Bethe-Bloch mean loss times the mean plastic path per layer (the cores' volume fraction x
    the layer thickness) times Birks' factor, within 12 % (delta rays leave and enter the thin cores);
    at a fixed impact point the path depends on where the muon crosses the fibres (channelling)."""
    from tests.simulate.test_muons import bethe_mean_mev_per_mm

    n = 300
    geo = get_geometry("ams-ecal")
    d = simulate_detailed(geo, "mu-", np.full(n, 10 * GeV), seed=5, impact_spread=10.0)
    per_layer = d.showers.showers.reshape(n, 18, 72).sum(-1)
    dedx = bethe_mean_mev_per_mm("polystyrene", 10 * GeV)
    kb = get_material("polystyrene").birks_mm_per_mev
    expected = dedx * geo.active_mm_per_layer() / (1 + kb * dedx)
    assert per_layer.mean() == pytest.approx(expected, rel=0.12)
    # channelling in the first layer (before multiple scattering blurs the impact point): through
    # the centres of the even rows (3 x 0.94 mm of plastic) or of the odd rows (2 x 0.94 mm)
    even = simulate_detailed(geo, "mu-", np.full(100, 10 * GeV), seed=6, impact=(0.0, 0.0)).showers.showers
    odd = simulate_detailed(geo, "mu-", np.full(100, 10 * GeV), seed=6, impact=(0.675, 0.0)).showers.showers
    ratio = even[:, :72].sum(1).mean() / odd[:, :72].sum(1).mean()
    assert 1.3 < ratio < 1.7


def test_birks_quenching_of_slow_protons_and_electrons() -> None:
    """Light of particles that stop in polystyrene, from Birks' law with kB = 0.013 g cm^-2 MeV^-1:
    a 5 MeV proton gives 30-55 % of an electron's light (measured proton light-output curves of
    organic scintillators give ~40 %, e.g. L = 0.95 E - 8.0 (1 - exp(-0.1 E^0.9)) MeVee at 5 MeV);
    a 1 MeV electron is quenched by a few % only; a MIP step by kB dE/dx (2.5 %)."""
    tables = build_tables(("polystyrene",), Cuts())
    e = energy_grid()
    i5, i1 = np.argmin(np.abs(e - 5.0)), np.argmin(np.abs(e - 1.0))
    proton = tables.tables[0, LIGHT_BASE + 3, i5]
    electron = tables.tables[0, LIGHT_E, i1]
    assert 0.30 < proton / tables.tables[0, LIGHT_E, i5] < 0.55
    assert 0.90 < electron < 0.99
    kb = get_material("polystyrene").birks_mm_per_mev
    assert kb == pytest.approx(0.1226, rel=1e-3)
    assert birks_light(0.205, 1.0, kb) == pytest.approx(0.205 / (1 + kb * 0.205))
    assert birks_light(0.205, 1.0, 0.0) == 0.205


def test_light_of_stopping_protons_in_a_scintillator_block() -> None:
    """End to end: 5 MeV protons stop in a plastic block; its cells receive the table's light,
    the rest of the deposit is booked as quenched, and nothing is lost."""
    block = Geometry("scint-block", "plastic block", (Slab("polystyrene", 50.0, True, 0),),
                     Readout(layers=(LayerBinning(id=0, r_edges=(0.0, 500.0)),), particle="proton", pid=2212))
    d = simulate_detailed(block, "p", np.full(20, 5 * MeV), seed=3)
    tables = build_tables(("polystyrene",), Cuts())
    i5 = np.argmin(np.abs(energy_grid() - 5.0))
    assert d.showers.total_energy() == pytest.approx(5.0 * tables.tables[0, LIGHT_BASE + 3, i5], rel=0.01)
    np.testing.assert_allclose(d.showers.total_energy() + d.accounting[:, mc_api.QUENCHED],
                               d.accounting[:, mc_api.ACTIVE], rtol=1e-6)


def test_photo_electron_statistics() -> None:
    """ams-ecal cells hold whole photo-electrons (multiples of 1/55 MeV); the Poisson statistics
    keep the mean light (within 4 standard errors) and widen the cell-to-cell spread."""
    geo = get_geometry("ams-ecal")
    pe = geo.photoelectrons_per_mev
    assert pe == pytest.approx(55.0, rel=0.01)
    d = simulate_detailed(geo, "e-", np.full(40, 1 * GeV), seed=4, impact_spread=5.0)
    counts = d.showers.showers.astype(np.float64) * pe
    assert np.all(np.abs(counts - np.round(counts)) < 2e-3 * np.maximum(counts, 1.0))
    light = d.accounting[:, mc_api.ACTIVE] - d.accounting[:, mc_api.QUENCHED]
    diff = d.showers.total_energy() - light
    assert abs(diff.mean()) < 4 * np.sqrt(light.mean() / pe / len(light))
    assert np.std(diff) == pytest.approx(np.sqrt(light.mean() / pe), rel=0.35)
