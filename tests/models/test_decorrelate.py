"""Decorrelation and layer-energy maps: exact inverses, N(0, 1) outputs, the correlations they keep."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from caloforge.io import Showers
from caloforge.preprocessing import PreprocessConfig, QuantileGauss, ShowerPreprocessor, kept_voxels
from caloforge.preprocessing.decorrelate import ConditionalWhitening


def test_whitening_of_a_known_gaussian() -> None:
    """Given 2 features, whiten 5: the output is N(0, I), independent of the given ones, the
    inverse is exact and the Jacobian is -1/2 log det of the conditional covariance."""
    g = torch.Generator().manual_seed(0)
    mix = torch.randn(7, 7, generator=g, dtype=torch.float64)
    cov = mix @ mix.T + 0.5 * torch.eye(7, dtype=torch.float64)
    x = (torch.randn(40_000, 7, generator=g, dtype=torch.float64) @ torch.linalg.cholesky(cov).T + 3.0).float()
    white = ConditionalWhitening(7, n_given=2).fit(x)
    z = white(x)
    assert torch.equal(z[:, :2], x[:, :2])
    empirical = torch.cov(z.double().T)
    np.testing.assert_allclose(empirical[2:, 2:].numpy(), np.eye(5), atol=0.03)
    np.testing.assert_allclose(empirical[:2, 2:].numpy(), 0.0, atol=0.03)
    np.testing.assert_allclose(white.inverse(z).numpy(), x.numpy(), atol=2e-4)
    conditional = cov[2:, 2:] - cov[2:, :2] @ torch.linalg.solve(cov[:2, :2], cov[:2, 2:])
    assert abs(float(white.log_abs_det) + 0.5 * float(torch.logdet(conditional))) < 0.05


def _offset_showers(n: int, layers: int, cells: int, rng: np.random.Generator) -> np.ndarray:
    """Strip showers whose lateral centre is shifted by one random offset shared by all layers
    (a shower's transverse position, as from a beam spot): a correlation across layers."""
    u = np.arange(cells) - (cells - 1) / 2
    shift = rng.normal(0.0, 1.5, size=(n, 1, 1))
    width = 1.0 + 0.25 * np.arange(layers)[None, :, None]
    profile = np.exp(-0.5 * ((u[None, None, :] - shift) / width) ** 2)
    energy = profile * rng.gamma(20.0, 1.0 / 20.0, size=(n, layers, cells)) * 100.0
    energy[energy < 0.5] = 0.0
    return energy.reshape(n, layers * cells).astype(np.float32)


def _centre_spread(showers: np.ndarray, layers: int, cells: int) -> float:
    """Shower-to-shower standard deviation of the centre of gravity (all layers together)."""
    e = showers.reshape(len(showers), layers, cells).sum(1)
    u = np.arange(cells) - (cells - 1) / 2
    return float(((e * u).sum(1) / e.sum(1)).std())


def test_decorrelation_keeps_the_shower_centre_spread() -> None:
    """Noise decoded through marginal maps alone gives every voxel its right spectrum but
    averages out the shared offset (centre spread 6x too small); with the fitted whitening the
    Gaussian copula reproduces the spread of the centre of gravity within 25 % (the offset is
    not linear in the quantile space; the network has to learn the rest)."""
    layers, cells, n = 6, 24, 6000
    rng = np.random.default_rng(1)
    showers = _offset_showers(n, layers, cells, rng)
    energies = np.full(n, 1e4, dtype=np.float32)
    truth = _centre_spread(showers, layers, cells)
    spreads = {}
    for decorrelate in (False, True):
        kept = kept_voxels(showers)
        pre = ShowerPreprocessor(PreprocessConfig(marginal="quantile", quantile_knots=128, decorrelate=decorrelate),
                                 (cells,) * layers, kept.size).fit(energies, showers)
        e = torch.from_numpy(energies)
        layer = pre(e, torch.from_numpy(showers), torch.Generator().manual_seed(2))[:, :layers]
        noise = torch.randn(n, kept.size, generator=torch.Generator().manual_seed(3))
        decoded = pre.inverse(e, torch.cat([layer, noise], dim=1)).numpy()
        spreads[decorrelate] = _centre_spread(decoded, layers, cells)
    assert spreads[False] < 0.3 * truth, (spreads, truth)
    assert abs(spreads[True] / truth - 1) < 0.25, (spreads, truth)


@pytest.mark.parametrize(("condition", "decorrelate"), [("incident", True), ("layer", False), ("layer", True)])
def test_round_trip_with_layer_maps_and_whitening(tiny_showers: Showers, condition: str, decorrelate: bool) -> None:
    kept = kept_voxels(tiny_showers.showers)
    pre = ShowerPreprocessor(PreprocessConfig(marginal="quantile", quantile_energy_bins=3, threshold_quantile=0.0,
                                              quantile_condition=condition, decorrelate=decorrelate),
                             (72,) * 18, kept.size).fit(tiny_showers.energies, tiny_showers.showers)
    e, s = torch.from_numpy(tiny_showers.energies), torch.from_numpy(tiny_showers.showers)
    for features in (pre(e, s), pre(e, s, torch.Generator().manual_seed(0))):
        assert torch.isfinite(features).all()
        np.testing.assert_allclose(pre.inverse(e, features).numpy(), s.numpy(), rtol=1e-3, atol=1e-5 * float(e.max()))
    assert (float(pre.log_abs_det) != 0.0) == decorrelate


def test_layer_energy_map_is_normal_in_every_layer_energy_slice() -> None:
    """A voxel whose hit rate follows its layer's energy (10 % when the layer is faint, 90 % when
    it is bright), at one incident energy, as a photon converting early or late: the map binned
    in E_inc sees one mixture, the map binned in E_layer is N(0, 1) in each slice of E_layer."""
    from scipy import stats

    from caloforge.preprocessing.layer_quantile import LayerQuantileGauss

    g = torch.Generator().manual_seed(4)
    n = 30000
    energies = torch.full((n,), 1e4)
    layer = -6.0 + 5.0 * torch.rand(n, generator=g)  # raw layer feature log(E_layer / E_inc)
    p_hit = 0.1 + 0.8 * (layer - layer.min()) / (layer.max() - layer.min())
    hit = torch.rand(n, generator=g) < p_hit
    voxel = torch.where(hit, -5.0 + 0.5 * torch.randn(n, generator=g), -14.0 + 0.5 * torch.rand(n, generator=g))
    x = torch.stack([layer, voxel], dim=1)
    binned = LayerQuantileGauss(n_layers=1, n_voxels=1, n_knots=128, n_bins=10)
    binned.fit(x, energies, torch.zeros(1, dtype=torch.long))
    z = binned(x, energies)
    bright = layer > torch.quantile(layer, 0.9)
    assert stats.kstest(z[bright, 1].numpy(), "norm").statistic < 0.06
    plain = QuantileGauss(1, n_knots=128)
    plain.fit(voxel[:, None])
    assert stats.kstest(plain(voxel[:, None])[bright, 0].numpy(), "norm").statistic > 0.2
    np.testing.assert_allclose(binned.inverse(z, energies).numpy(), x.numpy(), atol=1e-3)
