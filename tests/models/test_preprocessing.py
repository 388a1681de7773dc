"""Preprocessing is invertible, fitted on training data and returns physical showers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from caloforge.errors import InputError
from caloforge.io import Showers
from caloforge.preprocessing import Log, Logit, PreprocessConfig, QuantileGauss, ShowerPreprocessor, kept_voxels

LAYERS = (72,) * 18


def fitted(showers: Showers, **cfg: object) -> ShowerPreprocessor:
    kept = kept_voxels(showers.showers)
    pre = ShowerPreprocessor(PreprocessConfig(**cfg), LAYERS, kept.size)
    return pre.fit(showers.energies, showers.showers)


@pytest.mark.parametrize(("space", "marginal"), [("layer", "standard"), ("voxel", "standard"),
                                                 ("layer", "quantile"), ("voxel", "quantile")])
def test_round_trip(tiny_showers: Showers, space: str, marginal: str) -> None:
    pre = fitted(tiny_showers, space=space, threshold_quantile=0.0, marginal=marginal)
    e, s = torch.from_numpy(tiny_showers.energies), torch.from_numpy(tiny_showers.showers)
    dequantised = pre(e, s, torch.Generator().manual_seed(0))  # as fitted: standardised
    assert dequantised.shape == (len(e), pre.n_features)
    # quantile: 300 showers put the extremes at plotting positions (i / 299), std ~1.02
    tolerance = 1e-2 if marginal == "standard" else 3e-2
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
    assert ((out > 0) & (out < pre.threshold)).sum() == 0  # nothing below the threshold survives
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
    z = qg(x, torch.Generator().manual_seed(0))[:600, 0]
    assert float(z.std()) > 0.3 and float(z.min()) > -0.4
    assert torch.allclose(qg.inverse(z[:, None]), torch.tensor(13.8), atol=1e-4)


def test_bad_config() -> None:
    with pytest.raises(InputError):
        PreprocessConfig(space="pixels")
    with pytest.raises(InputError):
        PreprocessConfig(marginal="rank")
