"""High-level features: which coordinates each layer kind measures, and exact values on
hand-made showers."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.validate.features import compute_features, low_level_vector


def test_strip_layers_measure_one_coordinate(ams):
    s = np.ones((3, ams.n_voxels), dtype=np.float32)
    f = compute_features(np.full(3, 1e3), s, ams.readout, geometry=ams)
    for layer in ams.readout.active_layers:
        assert (f"EC{layer.axis}_{layer.id}" in f.scalars) and (f"W{layer.axis}_{layer.id}" in f.scalars)
        other = "y" if layer.axis == "x" else "x"
        assert f"EC{other}_{layer.id}" not in f.scalars and f"ECr_{layer.id}" not in f.scalars
    assert {"CoG_x", "CoG_y", "CoG_z"} <= set(f.scalars)


def test_polar_layers_measure_xy_r_or_r(ds1):
    f = compute_features(np.full(2, 1e3), np.ones((2, ds1.n_voxels)), ds1.readout, geometry=ds1)
    for layer in ds1.readout.active_layers:
        has_xy = f"ECx_{layer.id}" in f.scalars and f"ECy_{layer.id}" in f.scalars
        assert has_xy == (layer.n_alpha > 1)
        assert f"ECr_{layer.id}" in f.scalars and f"Wr_{layer.id}" in f.scalars


def test_single_cell_shower_values(ams):
    """One hit of 500 MeV in cell 40 of layer 0 (x strips, 9 mm) plus a sub-threshold voxel."""
    s = np.zeros((1, ams.n_voxels))
    s[0, 40] = 500.0
    s[0, 100] = 0.05  # below the 0.1 MeV threshold
    f = compute_features(np.array([1000.0]), s, ams.readout, threshold=0.1, geometry=ams)
    x_centre = (40 + 0.5 - 36) * 9.0
    assert f.scalars["ECx_0"][0] == pytest.approx(x_centre)
    assert f.scalars["Wx_0"][0] == pytest.approx(0.0, abs=1e-6)
    assert f.scalars["E_ratio"][0] == pytest.approx(0.5)
    assert f.scalars["N_hits"][0] == 1
    assert f.scalars["CoG_z"][0] == pytest.approx(ams.layer_depth_X0()[0])
    assert f.scalars["E_layer_1"][0] == 0.0 and f.scalars["ECx_1"][0] == 0.0


def test_width_of_two_cells(ams):
    """Equal energy in two adjacent cells: centre halfway, width half a pitch."""
    s = np.zeros((1, ams.n_voxels))
    s[0, [36, 37]] = 10.0
    f = compute_features(np.array([100.0]), s, ams.readout)
    assert f.scalars["ECx_0"][0] == pytest.approx(9.0)  # cells centred at 4.5 and 13.5 mm
    assert f.scalars["Wx_0"][0] == pytest.approx(4.5)


def test_classifier_vectors_are_finite(ds1_pair, ds1):
    ref = ds1_pair[0]
    f = compute_features(ref.energies, ref.showers, ds1.readout, 1.0, ds1)
    assert np.all(np.isfinite(f.classifier)) and f.classifier.shape[0] == len(ref)
    low = low_level_vector(ref.energies, ref.showers, 1.0)
    assert low.shape == (len(ref), ds1.n_voxels + 1) and np.all(np.isfinite(low))
