"""The e/p BDT and its rejection figures, on synthetic populations whose difference is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest
from stripkit import GEOMETRY, synthetic_showers

from caloforge.errors import InputError
from caloforge.geometry import get_geometry
from caloforge.tasks.ep_separation import EPConfig, EPSeparator
from caloforge.tasks.rejection import clopper_pearson, rejection_at
from caloforge.tasks.shower_shape import shape_feature_names, shape_features

CONFIG = EPConfig(bins_gev=(5.0, 100.0), use_cells=False, max_iter=100, seed=3)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (3, 1000), (999, 1000), (50, 100)])
def test_clopper_pearson_is_the_exact_binomial_interval(k: int, n: int) -> None:
    """Same interval as scipy's independent implementation (binomtest, method 'exact')."""
    ci = binomtest(k, n).proportion_ci(confidence_level=0.6827, method="exact")
    assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high), rel=1e-6, abs=1e-12)


def test_rejection_without_survivors_is_a_lower_limit() -> None:
    r = rejection_at(0.9, np.linspace(1, 2, 200), np.zeros(500))
    assert r.passed == 0 and r.rejection is None and r.rejection_high is None
    assert r.rejection_low == pytest.approx(1.0 / (1.0 - 0.15865 ** (1 / 500)), rel=1e-3)


def test_shape_variables_of_a_single_cell_shower() -> None:
    geo = get_geometry(GEOMETRY)
    shower = np.zeros((1, geo.n_voxels))
    shower[0, 3 * 72 + 40] = 5.0
    f = dict(zip(shape_feature_names(geo), shape_features(geo, shower)[0], strict=True))
    assert f["cog_layer"] == 3 and f["rms_layer"] == 0 and f["f_layer_3"] == 1
    assert f["width_3"] == 0 and f["S3_3"] == 1 and f["max_layer"] == 3


def test_bdt_separates_two_clearly_different_populations() -> None:
    """Compact early showers vs wide late ones: (almost) no proton survives 90 % efficiency."""
    sep = EPSeparator(get_geometry(GEOMETRY), CONFIG).fit(
        synthetic_showers(600, 1, 4.0, 1.0, "electron"), synthetic_showers(600, 2, 9.0, 3.0, "proton"))
    res = sep.evaluate(synthetic_showers(600, 3, 4.0, 1.0, "electron"), synthetic_showers(2000, 4, 9.0, 3.0, "proton"))
    r90 = res["bins"][0]["rejections"][0]
    assert r90["efficiency"] == 0.9 and r90["passed"] <= 2
    assert r90["rejection_low"] > 300


def test_bdt_does_not_separate_two_samples_of_one_population() -> None:
    """Same distribution under both labels: at 90 % electron efficiency 90 % of the 'protons' pass,
    within 4 sigma (binomial error of the proton count and of the cut from the electron sample)."""
    sep = EPSeparator(get_geometry(GEOMETRY), CONFIG).fit(
        synthetic_showers(800, 5, 6.0, 1.5, "electron"), synthetic_showers(800, 6, 6.0, 1.5, "proton"))
    n_e, n_p = 1000, 2000
    res = sep.evaluate(synthetic_showers(n_e, 7, 6.0, 1.5, "electron"), synthetic_showers(n_p, 8, 6.0, 1.5, "proton"))
    r90 = res["bins"][0]["rejections"][0]
    sigma = np.sqrt(0.09 / n_p + 0.09 / n_e)
    assert abs(r90["passed"] / r90["n_protons"] - 0.9) < 4 * sigma


def test_bad_inputs_are_refused() -> None:
    geo = get_geometry(GEOMETRY)
    e, p = synthetic_showers(50, 1, 4.0, 1.0, "electron"), synthetic_showers(50, 2, 9.0, 3.0, "proton")
    with pytest.raises(InputError, match="needs proton"):
        EPSeparator(geo, CONFIG).fit(e, e)
    with pytest.raises(InputError, match="geometry"):
        EPSeparator(geo, CONFIG).fit(e, p.__class__(p.energies, p.showers, {**p.attrs, "geometry": "other"}))
    with pytest.raises(InputError, match=">= 20 showers"):
        EPSeparator(geo, CONFIG).fit(e.subset(slice(0, 10)), p)
    sep = EPSeparator(geo, CONFIG).fit(e, p)
    with pytest.raises(InputError, match="no energy bin"):
        sep.evaluate(e.subset(slice(0, 30)), p)  # 30 electrons cannot place a 95 % cut
    with pytest.raises(InputError, match="between 0 and 1"):
        EPConfig(efficiencies=(1.0,))


def test_cnn_separates_two_clearly_different_populations() -> None:
    """The image classifier on the same clearly different populations: few protons pass 90 %."""
    config = EPConfig(bins_gev=(5.0, 100.0), classifier="cnn", cnn_epochs=4, seed=3)
    sep = EPSeparator(get_geometry(GEOMETRY), config).fit(
        synthetic_showers(400, 1, 4.0, 1.0, "electron"), synthetic_showers(400, 2, 9.0, 3.0, "proton"))
    res = sep.evaluate(synthetic_showers(300, 3, 4.0, 1.0, "electron"), synthetic_showers(1000, 4, 9.0, 3.0, "proton"))
    assert res["bins"][0]["rejections"][0]["rejection_low"] > 100
