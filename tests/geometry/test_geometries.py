"""Built-in detectors: dimensions from their sources, and cell assignment of known points."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.errors import GeometryError, InputError
from caloforge.geometry import LayerBinning, get_geometry, list_geometries


def test_registry_lists_default_first() -> None:
    names = list_geometries()
    assert names[0] == "ams-ecal"
    assert {"ams-ecal", "ds1-photon-like", "ds2-like", "pbwo4-block"} <= set(names)


def test_unknown_geometry() -> None:
    with pytest.raises(InputError, match="unknown geometry"):
        get_geometry("atlas-full")


def test_ams_ecal_dimensions() -> None:
    g = get_geometry("ams-ecal")
    assert g.n_voxels == 18 * 72 and g.readout.image_shape == (18, 1, 72)
    assert g.depth_mm() == pytest.approx(166.5)
    assert g.depth_X0() == pytest.approx(17.4, abs=0.3)  # Vecchi et al.: ~17 X0
    assert g.depth_lambda() == pytest.approx(0.65, abs=0.05)
    # only the 0.94 mm cores of the 1 mm fibres are read out: 28 % of the volume (fibres 31 %)
    assert g.sampling_fraction_mip() == pytest.approx(0.07, abs=0.01)
    assert 2 * g.half_width == pytest.approx(648.0)
    core, ring = g.slabs[0].fibres.area_fractions(g.slabs[0].thickness)
    assert core + ring == pytest.approx(0.425, abs=0.01)  # Pb : fibre : glue = 57 : 32 : 11


def test_pbwo4_block_is_25_x0() -> None:
    g = get_geometry("pbwo4-block")
    assert g.depth_X0() == pytest.approx(25.0)
    assert g.sampling_fraction_mip() == 1.0


def test_ds2_like_pitch_is_0p8_x0() -> None:
    g = get_geometry("ds2-like")
    assert g.depth_X0() / 45 == pytest.approx(0.8, abs=0.05)


def test_strip_cell_assignment() -> None:
    layer = LayerBinning(id=0, kind="strip", axis="x", n_cells=72, pitch=9.0)
    x = np.array([-324.0, -323.9, -0.1, 0.0, 4.4, 9.1, 323.9, 324.0, 500.0])
    y = np.full_like(x, 1000.0)  # strips measure x only
    assert layer.local_index(x, y).tolist() == [0, 0, 35, 36, 36, 37, 71, -1, -1]


def test_polar_cell_assignment_follows_challenge_order() -> None:
    layer = LayerBinning(id=1, r_edges=(0.0, 2.0, 4.0), n_alpha=4)  # alpha bins from -pi
    # (x, y) -> alpha bin * n_r + r bin
    points = {(-1.0, -0.1): 0 * 2 + 0, (0.1, -3.0): 1 * 2 + 1, (1.0, 0.5): 2 * 2 + 0,
              (-3.0, 0.1): 3 * 2 + 1, (5.0, 0.0): -1}
    xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    assert layer.local_index(xs, ys).tolist() == list(points.values())


def test_voxel_centres_lie_in_their_own_cell() -> None:
    for name in list_geometries():
        readout = get_geometry(name).readout
        x, y, _ = readout.voxel_centres
        positions = np.array([readout.position_of(readout.active_layers[i].id)
                              for i in readout.voxel_layer])
        # strip layers only measure one axis, polar centres are inside their bins
        assert (readout.voxel_index(positions, x, y) == np.arange(readout.n_voxels)).all(), name


def test_bin_deposits_sums_energy() -> None:
    readout = get_geometry("ams-ecal").readout
    out = readout.bin_deposits(np.array([0, 0, 2, 17]), np.array([0.5, 0.7, 0.0, 999.0]),
                               np.array([0.0, 0.0, -5.0, 0.0]), np.array([1.0, 2.0, 4.0, 8.0]))
    assert out.sum() == pytest.approx(7.0)  # the deposit at x = 999 mm misses every cell
    assert out[36] == pytest.approx(3.0) and out[2 * 72 + 35] == pytest.approx(4.0)


def test_bad_slab_reference() -> None:
    from caloforge.geometry import Geometry, Slab
    readout = get_geometry("pbwo4-block").readout
    with pytest.raises(GeometryError):
        Geometry("bad", "", (Slab("PbWO4", 1.0, True, 99),), readout)
    with pytest.raises(GeometryError, match="unknown material"):
        Geometry("bad", "", (Slab("unobtainium", 1.0),), readout)
