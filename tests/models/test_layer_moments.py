"""Layer moments (centre of gravity and width per layer) as first-stage features of the flow."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from modelkit import TINY_MODEL_ARGS, TINY_TRAINING, synthetic_showers

from caloforge.errors import InputError
from caloforge.geometry import get_geometry
from caloforge.io import Showers
from caloforge.models import DataSpec, build_model, load_model, make_config, save_model
from caloforge.preprocessing import PreprocessConfig, ShowerPreprocessor, kept_voxels
from caloforge.preprocessing.layer_moments import LayerMoments
from caloforge.training import TrainConfig, fit_model

SHAPE = (18, 1, 72)  # ams-ecal
FLOW_PREPROCESSING = {"marginal": "quantile", "quantile_energy_bins": 3, "quantile_knots": 64,
                      "quantile_condition": "layer", "decorrelate": True, "threshold_quantile": 0.0}


def test_moments_are_centre_and_width_in_cells() -> None:
    shower = np.zeros((1, 18, 72), dtype=np.float32)
    shower[0, 0, 10] = 5.0                      # one cell: centre 10, width 0
    shower[0, 1, [10, 12]] = 2.0                # two equal cells: centre 11, width 1
    shower[0, 2, [0, 3]] = [3.0, 1.0]           # centre 0.75, width sqrt(0.75 * 0.25 * 9)
    moments = LayerMoments(SHAPE, 2)(torch.from_numpy(shower.reshape(1, -1))).numpy()[0]
    centre, width = moments[:18], moments[18:]
    np.testing.assert_allclose(centre[:3], [10.0, 11.0, 0.75], atol=1e-5)
    np.testing.assert_allclose(width[:3], [0.0, 1.0, np.sqrt(0.75 * 0.25 * 9)], atol=1e-5)
    assert np.allclose(centre[3:], 35.5) and np.allclose(width[3:], 0.0)  # empty layers: middle, 0


def test_round_trip_drops_the_moments(tiny_showers: Showers) -> None:
    kept = kept_voxels(tiny_showers.showers)
    pre = ShowerPreprocessor(PreprocessConfig(layer_moments=2, **FLOW_PREPROCESSING), (72,) * 18, kept.size, SHAPE)
    pre.fit(tiny_showers.energies, tiny_showers.showers)
    e, s = torch.from_numpy(tiny_showers.energies), torch.from_numpy(tiny_showers.showers)
    assert pre.n_layer_features == 3 * 18 and pre.n_features == 3 * 18 + kept.size
    features = pre(e, s, torch.Generator().manual_seed(0))
    moments = features[:, 18:54]  # the whitening passes the first-stage features through
    # quantile-mapped in 3 energy bins of 100 showers: every marginal ~N(0, 1)
    assert moments.mean(0).abs().max() < 0.05 and (moments.std(0) - 1).abs().max() < 0.1
    # the synthetic impact point (x0, y0) is shared by the layers that read one axis and
    # independent between axes: centres of layers 4 and 8 (both x) correlate, 4 and 6 (x, y) do
    # not (300 showers: the spread of a null correlation is ~0.06, so 0.2 is > 3 sigma)
    corr = np.corrcoef(moments[:, [4, 8, 6]].T.numpy())
    assert corr[0, 1] > 0.5 and abs(corr[0, 2]) < 0.2
    back = pre.inverse(e, pre(e, s))
    np.testing.assert_allclose(back.numpy(), s.numpy(), rtol=1e-3, atol=1e-5 * float(e.max()))


def test_refused_where_it_means_nothing(tiny_showers: Showers) -> None:
    with pytest.raises(InputError, match="rows of cells"):
        ShowerPreprocessor(PreprocessConfig(layer_moments=1), (72,) * 18, 100, ())
    with pytest.raises(InputError, match="one of"):
        PreprocessConfig(layer_moments=3)
    spec = DataSpec.from_data(get_geometry("ams-ecal"), tiny_showers.energies, tiny_showers.showers, ("e-",))
    with pytest.raises(InputError, match="for the flow"):
        build_model("vae", make_config("vae", {**TINY_MODEL_ARGS["vae"], "preprocessing": {"layer_moments": 1}}), spec)


@pytest.mark.slow
def test_flow_with_moments_trains_samples_and_reloads(tmp_path, tiny_showers: Showers) -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    spec = DataSpec.from_data(get_geometry("ams-ecal"), tiny_showers.energies, tiny_showers.showers, ("e-",))
    args = {**TINY_MODEL_ARGS["flow"], "preprocessing": {"layer_moments": 2, **FLOW_PREPROCESSING}}
    model = build_model("flow", make_config("flow", args), spec)
    model.fit_preprocessing(tiny_showers.energies, tiny_showers.showers, kept_voxels(tiny_showers.showers))
    fit_model(model, tiny_showers.energies, tiny_showers.showers, TrainConfig(**{**TINY_TRAINING, "max_steps": 60}))
    held_out = synthetic_showers(100, seed=9)
    energies = held_out.energies.astype(np.float32)
    showers = model.sample(energies, generator=torch.Generator().manual_seed(0))
    assert showers.shape == held_out.showers.shape and np.isfinite(showers).all() and (showers >= 0).all()
    # even a 60-step flow puts the energy where the Monte Carlo does, to 30 %
    ratio = showers.sum(1).mean() / held_out.showers.sum(1).mean()
    assert 0.7 < ratio < 1.3
    save_model(model, tmp_path / "model.pt")
    again = load_model(tmp_path / "model.pt")
    assert np.array_equal(again.sample(energies, generator=torch.Generator().manual_seed(0)), showers)
