"""Preprocessing is invertible, fitted on training data and returns physical showers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from caloforge.errors import InputError
from caloforge.io import Showers
from caloforge.preprocessing import Log, Logit, PreprocessConfig, QuantileGauss, ShowerPreprocessor, kept_voxels
from caloforge.preprocessing.shower import THRESHOLD_MARGIN
from caloforge.preprocessing.transforms import binned_knot_positions, knot_positions

LAYERS = (72,) * 18


def fitted(showers: Showers, **cfg: object) -> ShowerPreprocessor:
    kept = kept_voxels(showers.showers)
    pre = ShowerPreprocessor(PreprocessConfig(**cfg), LAYERS, kept.size)
    return pre.fit(showers.energies, showers.showers)


@pytest.mark.parametrize(("space", "marginal", "bins"), [
    ("layer", "standard", 0), ("voxel", "standard", 0), ("layer", "quantile", 0), ("voxel", "quantile", 0),
    ("layer", "quantile", 3)])
def test_round_trip(tiny_showers: Showers, space: str, marginal: str, bins: int) -> None:
    pre = fitted(tiny_showers, space=space, threshold_quantile=0.0, marginal=marginal, quantile_energy_bins=bins)
    e, s = torch.from_numpy(tiny_showers.energies), torch.from_numpy(tiny_showers.showers)
    dequantised = pre(e, s, torch.Generator().manual_seed(0))  # as fitted: standardised
    assert dequantised.shape == (len(e), pre.n_features)
    # quantile: 300 showers put the extremes at plotting positions (i / 299), std ~1.02 (more
    # with 100 showers per energy bin)
    tolerance = 1e-2 if marginal == "standard" else 3e-2 if not bins else 6e-2
    assert dequantised.mean().abs() < 1e-3 and (dequantised.std(0) - 1).abs().max() < tolerance
    for features in (pre(e, s), dequantised):  # dequantisation noise lies below the empty cut
        back = pre.inverse(e, features)
        assert back.dtype == torch.float32 and back.shape == s.shape
        # only deposits below 1e-5 of their layer (or of E_inc) may be lost
        np.testing.assert_allclose(back.numpy(), s.numpy(), rtol=1e-3, atol=1e-5 * float(e.max()))


def test_inverse_is_physical_for_any_features(tiny_showers: Showers) -> None:
    pre = fitted(tiny_showers)
    e = torch.from_numpy(tiny_showers.energies[:50])
    out = pre.inverse(e, 3 * torch.randn(50, pre.n_features, generator=torch.Generator().manual_seed(0)))
    assert (out >= 0).all() and torch.isfinite(out).all()
    # nothing below the threshold survives (a value at it, up to float rounding, does)
    assert ((out > 0) & (out < pre.threshold * (1 - THRESHOLD_MARGIN))).sum() == 0
    empty = np.setdiff1d(np.arange(out.shape[1]), pre.kept.numpy())
    assert empty.size > 0 and (out[:, empty] == 0).all()


def test_layer_energies_are_exact(tiny_showers: Showers) -> None:
    """In layer space the voxel fractions are renormalised, so layer sums equal the generated ones."""
    pre = fitted(tiny_showers, threshold_quantile=0.0)
    e = torch.from_numpy(tiny_showers.energies[:20])
    features = pre(e, torch.from_numpy(tiny_showers.showers[:20]))
    features[:, pre.n_layers:] += 0.3 * torch.randn_like(features[:, pre.n_layers:])
    out = pre.inverse(e, features).reshape(20, 18, 72).sum(-1)
    truth = torch.from_numpy(tiny_showers.showers[:20]).reshape(20, 18, 72).sum(-1)
    np.testing.assert_allclose(out.numpy(), truth.numpy(), rtol=1e-3, atol=1e-2)


def test_elementary_transforms_invert() -> None:
    x = torch.tensor([0.0, 1e-5, 0.3, 1.0])
    np.testing.assert_allclose(Logit(1e-6).inverse(Logit(1e-6)(x)), x, atol=1e-6)
    np.testing.assert_allclose(Log(1e-6).inverse(Log(1e-6)(x)), x, atol=1e-6)


def test_quantile_map_closes_the_gap_between_empty_and_hit() -> None:
    """A voxel empty in 70 % of showers (dequantised band at -14) and hit in 30 % (bump at -6):
    its Gaussianised feature is N(0, 1), and N(0, 1) noise maps back to both modes in the right
    proportions with nothing in the gap, which is what a smooth generator needs."""
    from scipy import stats

    g = torch.Generator().manual_seed(3)
    empty = -14.0 + 0.5 * torch.rand(7000, generator=g)
    hit = -6.0 + 0.7 * torch.randn(3000, generator=g)
    x = torch.stack([torch.cat([empty, hit]), torch.randn(10000, generator=g)], dim=1)
    qg = QuantileGauss(2, n_knots=256)
    qg.fit(x)
    z = qg(x)
    for column in z.T:
        assert stats.kstest(column.numpy(), "norm").pvalue > 0.01
    back = qg.inverse(torch.randn(200000, 2, generator=g))[:, 0]
    assert abs(float((back < -13.0).float().mean()) - 0.7) < 0.01
    # the gap gets at most the one knot interval that straddles it (1 / 255 of the mass)
    assert float(((back > -13.4) & (back < -9.0)).float().mean()) < 1.2 / 255
    np.testing.assert_allclose(float(back[back > -9].mean()), -6.0, atol=0.05)
    np.testing.assert_allclose(qg.inverse(z).numpy(), x.numpy(), atol=0.05)


def test_quantile_map_spreads_ties() -> None:
    """A value that recurs (a fraction of exactly 1) becomes a uniform spread, not a spike."""
    x = torch.cat([torch.full((600, 1), 13.8), torch.randn(400, 1)])
    qg = QuantileGauss(1, n_knots=128)
    qg.fit(x)
    z = qg(x, generator=torch.Generator().manual_seed(0))[:600, 0]
    assert float(z.std()) > 0.3 and float(z.min()) > -0.4
    assert torch.allclose(qg.inverse(z[:, None]), torch.tensor(13.8), atol=1e-4)


def test_bad_config() -> None:
    with pytest.raises(InputError):
        PreprocessConfig(space="pixels")
    with pytest.raises(InputError):
        PreprocessConfig(marginal="rank")
    with pytest.raises(InputError):
        PreprocessConfig(marginal="quantile", quantile_energy_bins=1)


def test_energy_quantile_map_is_normal_at_every_energy() -> None:
    """A cell hit with a probability that rises with E_inc (10 % at 1 GeV, 90 % at 100 GeV): the
    unconditional map is N(0, 1) only over all energies, the energy-binned one at each energy,
    and noise decoded at a given energy gives that energy's hit rate, with no mass in the gap."""
    from scipy import stats

    from caloforge.preprocessing.energy_quantile import EnergyQuantileGauss

    g = torch.Generator().manual_seed(5)
    n = 40000
    energies = torch.exp(torch.rand(n, generator=g) * np.log(100.0)) * 1e3
    p_hit = 0.1 + 0.8 * torch.log(energies / 1e3) / np.log(100.0)
    hit = torch.rand(n, generator=g) < p_hit
    x = torch.where(hit, -6.0 + 0.5 * torch.randn(n, generator=g), -14.0 + 0.5 * torch.rand(n, generator=g))[:, None]
    plain, binned = QuantileGauss(1, n_knots=128), EnergyQuantileGauss(1, n_knots=128, n_bins=16)
    plain.fit(x)
    binned.fit(x, energies)
    high = energies > 50e3
    plain_ks = stats.kstest(plain(x)[high, 0].numpy(), "norm").statistic  # shifted up at high E
    binned_ks = stats.kstest(binned(x, energies)[high, 0].numpy(), "norm").statistic
    assert plain_ks > 0.2 and binned_ks < 0.06, (plain_ks, binned_ks)
    for e_gev in (2.0, 70.0):
        e = torch.full((20000,), e_gev * 1e3)
        back = binned.inverse(torch.randn(20000, 1, generator=g), e)
        expected = 0.1 + 0.8 * np.log(e_gev) / np.log(100.0)
        assert abs(float((back > -10).float().mean()) - expected) < 0.04  # within one bin's drift
        assert float(((back > -13.4) & (back < -9.0)).float().mean()) < 1.2 / 127  # one knot interval
    np.testing.assert_allclose(binned.inverse(binned(x, energies), energies).numpy(), x.numpy(), atol=1e-3)


def test_binned_knot_positions_match_one_search_per_bin() -> None:
    """The single search over shifted, concatenated bins equals a search per bin, ties included."""
    g = torch.Generator().manual_seed(0)
    values = torch.rand(50, 200, generator=g) ** 3
    values[values < 0.05] = 0.0
    knots = torch.sort(torch.rand(6, 50, 32, generator=g) ** 3, dim=2).values
    knots[:, :, :5] = 0.0  # a tie at zero, as for empty voxels
    bins = torch.randint(6, (50, 200), generator=g)
    expected = torch.zeros_like(values)
    for b in range(6):
        expected = torch.where(bins == b, knot_positions(knots[b], values, None), expected)
    torch.testing.assert_close(binned_knot_positions(knots, bins, values, None), expected, atol=1e-5, rtol=0)
