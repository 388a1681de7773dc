"""Preprocessing is invertible, fitted on training data and returns physical showers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from caloforge.errors import InputError
from caloforge.io import Showers
from caloforge.preprocessing import Log, Logit, PreprocessConfig, ShowerPreprocessor, kept_voxels

LAYERS = (72,) * 18


def fitted(showers: Showers, **cfg: object) -> ShowerPreprocessor:
    kept = kept_voxels(showers.showers)
    pre = ShowerPreprocessor(PreprocessConfig(**cfg), LAYERS, kept.size)
    return pre.fit(showers.energies, showers.showers)


@pytest.mark.parametrize("space", ["layer", "voxel"])
def test_round_trip(tiny_showers: Showers, space: str) -> None:
    pre = fitted(tiny_showers, space=space, threshold_quantile=0.0)
    e, s = torch.from_numpy(tiny_showers.energies), torch.from_numpy(tiny_showers.showers)
    dequantised = pre(e, s, torch.Generator().manual_seed(0))  # as fitted: standardised
    assert dequantised.shape == (len(e), pre.n_features)
    assert dequantised.mean().abs() < 1e-3 and (dequantised.std(0) - 1).abs().max() < 1e-2
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


def test_bad_config() -> None:
    with pytest.raises(InputError):
        PreprocessConfig(space="pixels")
