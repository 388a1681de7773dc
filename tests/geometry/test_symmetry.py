"""Transverse symmetry groups of the readouts, and the beam-on-axis test on Monte Carlo showers."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.geometry import get_geometry
from caloforge.geometry.symmetry import asymmetry, transverse_symmetries
from caloforge.mc.api import simulate_detailed


def _is_group(perms: np.ndarray) -> bool:
    members = {tuple(p) for p in perms}
    return all(tuple(a[b]) in members for a in perms for b in perms)


@pytest.mark.parametrize(("name", "order"), [("ams-ecal", 4), ("ds1-photon-like", 20), ("pbwo4-block", None)])
def test_group_orders(name: str, order: int | None) -> None:
    readout = get_geometry(name).readout
    perms = transverse_symmetries(readout)
    np.testing.assert_array_equal(perms[0], np.arange(readout.n_voxels))
    assert _is_group(perms)
    assert all(np.array_equal(np.sort(p), np.arange(readout.n_voxels)) for p in perms)
    if order is not None:
        assert len(perms) == order
    else:  # r-only layers: every rotation and reflection is a symmetry, and all act as the identity
        assert len(perms) == 1


def test_ams_mirrors_strips_of_one_orientation_at_a_time() -> None:
    """x → -x reverses the 72 cells of the x-measuring superlayers and leaves the y ones alone."""
    readout = get_geometry("ams-ecal").readout
    cells = np.arange(readout.n_voxels).reshape(18, 72)
    x_layers = [i for i, layer in enumerate(readout.layers) if layer.axis == "x"]
    y_layers = [i for i, layer in enumerate(readout.layers) if layer.axis == "y"]
    images = [p.reshape(18, 72) for p in transverse_symmetries(readout)]
    mirror_x = [im for im in images if np.array_equal(im[y_layers], cells[y_layers])
                and np.array_equal(im[x_layers], cells[x_layers, ::-1])]
    assert len(mirror_x) == 1


def test_ds1_rotation_moves_alpha_bins() -> None:
    """Rotating by one alpha bin (36°) maps each voxel of the 10-bin layers to the next bin."""
    readout = get_geometry("ds1-photon-like").readout
    position = next(i for i, layer in enumerate(readout.layers) if layer.n_alpha == 10)
    layer, part = readout.layers[position], readout.layer_slice(position)
    local = np.arange(layer.n_voxels).reshape(10, layer.n_r)
    shifts = [np.roll(local, k, axis=0).ravel() for k in range(10)]
    perms = transverse_symmetries(readout)[:, part] - part.start
    assert all(any(np.array_equal(p, s) for p in perms) for s in shifts)


@pytest.fixture(scope="module")
def on_axis() -> np.ndarray:
    return simulate_detailed("ams-ecal", "e-", np.full(300, 5e3), seed=4).showers.showers


@pytest.mark.slow  # Monte Carlo showers
def test_monte_carlo_on_axis_is_symmetric(on_axis: np.ndarray) -> None:
    readout = get_geometry("ams-ecal").readout
    assert asymmetry(readout, on_axis) is None
    # the mean image and its mirror agree within the shower-to-shower spread
    mean, error = on_axis.mean(axis=0), on_axis.std(axis=0) / np.sqrt(len(on_axis))
    for perm in transverse_symmetries(readout)[1:]:
        hit = (error > 0) & (error[perm] > 0)
        pull = (mean[perm] - mean)[hit] / np.hypot(error, error[perm])[hit]
        assert np.mean(np.abs(pull) < 3) > 0.97


@pytest.mark.slow  # Monte Carlo showers
def test_offset_beam_is_not_symmetric() -> None:
    """A 4.5 mm impact offset (half a cell) moves every x centre of gravity off the axis."""
    showers = simulate_detailed("ams-ecal", "e-", np.full(300, 5e3), seed=4, impact=(4.5, 0.0)).showers.showers
    reason = asymmetry(get_geometry("ams-ecal").readout, showers)
    assert reason is not None and "in x" in reason
