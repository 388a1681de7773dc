"""Diversity (SSIM, birthday paradox) and multi-peak showers."""

from __future__ import annotations

import numpy as np
import pytest
from showerkit import make_showers, with_copies

from caloforge.io import Showers
from caloforge.validate.diversity import birthday_support, mean_ssim, pixel_scale, shower_images
from caloforge.validate.rare import count_peaks, multipeak_fraction


def test_images_regular_and_irregular(ams, ds1):
    assert shower_images(np.zeros((2, ams.n_voxels)), ams.readout).shape == (2, 18, 72)
    widest = max(layer.n_voxels for layer in ds1.readout.active_layers)
    assert shower_images(np.zeros((2, ds1.n_voxels)), ds1.readout).shape == (2, 5, widest)


@pytest.mark.parametrize("which", ["ams", "ds1"])
def test_ssim_diversity_drops_for_collapsed_sample(which, request):
    geometry = request.getfixturevalue(which)
    ref = request.getfixturevalue(f"{which}_pair")[0]
    collapsed = with_copies(ref, 50, seed=0)
    e0 = pixel_scale(ref.showers)
    s_ref, e_ref = mean_ssim(ref.showers, ref.energies, geometry.readout, np.random.default_rng(0), 300, e0)
    s_col, _ = mean_ssim(collapsed.showers, collapsed.energies, geometry.readout,
                         np.random.default_rng(0), 300, e0)
    assert 0.3 < s_ref < 0.98
    assert (1 - s_col) < 0.3 * (1 - s_ref)  # diversity falls by more than a factor 3


def test_birthday_finds_planted_duplicates(ams_pair):
    ref = ams_pair[0]
    clean = birthday_support(ref.showers, np.random.default_rng(0))
    assert clean.pairs == 0 and clean.support is None and clean.lower_bound > 1e5
    # 200 showers copied once each into a sample of 2000: 200 exact duplicate pairs
    planted = Showers.concatenate([ref.subset(slice(0, 1800)), ref.subset(slice(0, 200))])
    est = birthday_support(planted.showers, np.random.default_rng(0))
    assert est.pairs == 200
    collapsed = with_copies(ref, 50, seed=1)
    est = birthday_support(collapsed.showers, np.random.default_rng(0))
    assert est.support == pytest.approx(50, rel=0.15)


def test_count_peaks():
    t = np.arange(20.0)
    single = t ** 2 * np.exp(-t / 2)
    assert count_peaks(single) == 1
    double = single + 0.8 * np.roll(single, 10) * (t >= 10)
    assert count_peaks(double) == 2
    tiny_bump = single + 0.05 * single.max() * (t == 15)  # below 10 % of the maximum
    assert count_peaks(tiny_bump) == 1
    assert count_peaks(np.array([5.0, 3.0, 1.0])) == 1  # maximum in the first layer counts
    assert count_peaks(np.zeros(5)) == 0


def test_multipeak_fraction(ams):
    showers = make_showers(ams, 400, seed=9)
    prof = _layers(showers, ams)
    f0, _ = multipeak_fraction(prof)
    assert f0 < 0.05
    late = np.zeros_like(prof)
    late[:, 12:] = prof[:, :6]  # a second, late shower in half of the events
    prof[::2] += late[::2]
    f, err = multipeak_fraction(prof)
    assert f == pytest.approx(0.5, abs=0.1)


def _layers(showers: Showers, geometry) -> np.ndarray:
    layer = geometry.readout.voxel_layer
    return np.stack([showers.showers[:, layer == k].sum(1) for k in range(layer.max() + 1)], axis=1)
