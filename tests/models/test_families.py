"""Family-specific checks: flow invertibility and likelihood, GAN variants, ONNX export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from modelkit import MODELS, TINY_MODEL_ARGS, TINY_TRAINING, synthetic_showers, tiny_model

from caloforge.errors import InputError
from caloforge.io import Showers
from caloforge.models import make_config
from caloforge.training import TrainConfig, fit_model


def test_flow_is_invertible_and_its_likelihood_is_its_loss(tiny_showers: Showers) -> None:
    """Our two-stage flow: the sampling body inverts both stages exactly, and the public
    ``log_prob`` (showers in MeV, dequantised, the copula's Jacobian added) is exactly the
    per-feature loss the trainer minimises on the same encoding."""
    model = tiny_model("flow", tiny_showers)
    e = torch.from_numpy(tiny_showers.energies[:16])
    x, c = model.encode(e, torch.from_numpy(tiny_showers.showers[:16]))
    body = model.export_sampler().body
    with torch.no_grad():
        z_layer = model.energy_flow(c).transform(x[:, :18])
        z_vox = model.shower_flow(torch.cat([c, x[:, :18]], 1)).transform(x[:, 18:])
        back = body(torch.cat([z_layer, z_vox], 1), c)
    torch.testing.assert_close(back, x, atol=1e-4, rtol=1e-4)
    s = torch.from_numpy(tiny_showers.showers[:16])
    log_p = model.log_prob(e, s, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        loss = model.loss(*model.encode(e, s, None, torch.Generator().manual_seed(3)))
    assert log_p.shape == (16,)
    assert float(-log_p.mean() / model.n_features) == pytest.approx(float(loss), rel=1e-6)


@pytest.mark.parametrize(("preprocessing", "gain"), [
    ({"marginal": "standard", "min_std": 1.0}, 100.0),
    ({"marginal": "quantile", "quantile_energy_bins": 12, "quantile_knots": 256}, 10.0)])
@pytest.mark.slow  # training or ONNX export
def test_flow_training_raises_the_likelihood(tiny_showers: Showers, preprocessing: dict[str, object],
                                             gain: float) -> None:
    """Training raises the exact likelihood. With the default energy-binned quantile map every
    feature starts out N(0, 1) at its energy, so the untrained flow is already much closer and
    the gain is smaller (~30 nats per shower here) than on standardised logits (> 100)."""
    from caloforge.geometry import get_geometry
    from caloforge.models import DataSpec, build_model

    spec = DataSpec.from_data(get_geometry("ams-ecal"), tiny_showers.energies, tiny_showers.showers, ())
    torch.manual_seed(0)
    model = build_model("flow", make_config("flow", {**TINY_MODEL_ARGS["flow"], "preprocessing": preprocessing}), spec)
    model.fit_preprocessing(tiny_showers.energies, tiny_showers.showers)
    e, s = torch.from_numpy(tiny_showers.energies), torch.from_numpy(tiny_showers.showers)
    before = float(model.log_prob(e, s).mean())
    fit_model(model, tiny_showers.energies, tiny_showers.showers, TrainConfig(**{**TINY_TRAINING, "max_steps": 60}))
    assert float(model.log_prob(e, s).mean()) > before + gain


@pytest.mark.slow  # training or ONNX export
@pytest.mark.parametrize("args", [{"loss": "wgan-gp"}, {"network": "mlp"}, {"mse_weight": 0.0}])
def test_gan_variants_train(args: dict[str, object], tiny_showers: Showers) -> None:
    from caloforge.geometry import get_geometry
    from caloforge.models import DataSpec, build_model

    spec = DataSpec.from_data(get_geometry("ams-ecal"), tiny_showers.energies, tiny_showers.showers, ("electron",))
    config = make_config("cgan", {"latent": 8, "width": 32, "depth": 1, "channels": 4, **args})
    model = build_model("cgan", config, spec)
    result = fit_model(model, tiny_showers.energies, tiny_showers.showers,
                       TrainConfig(**{**TINY_TRAINING, "max_steps": 10}))
    assert result.steps == 10 and np.isfinite(result.best_val_loss)
    assert (model.sample([5e3, 5e4]) >= 0).all()


def test_conv_gan_needs_an_image_geometry(tiny_showers: Showers) -> None:
    from caloforge.models import DataSpec, build_model

    spec = DataSpec("ds1-photon-like", 368, (8, 160, 190, 5, 5), (), ("photon",), 1e3, 1e5, 300, 10)
    with pytest.raises(InputError, match="not an image"):
        build_model("cgan", make_config("cgan", {"network": "conv"}), spec)
    assert build_model("cgan", make_config("cgan"), spec).generator.__class__.__name__ == "ResMLP"


@pytest.mark.slow  # training or ONNX export
@pytest.mark.filterwarnings("ignore:You are using the legacy TorchScript:DeprecationWarning")
@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")  # zuko builds constants with as_tensor
@pytest.mark.parametrize("name", MODELS)
def test_sampler_exports_to_onnx(name: str, tiny_showers: Showers, tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    model = tiny_model(name, tiny_showers)
    sampler = model.export_sampler()
    noise, energies = torch.randn(sampler.noise_shape(3), generator=torch.Generator().manual_seed(0)), \
        torch.tensor([1e3, 1e4, 9e4])
    path = tmp_path / f"{name}.onnx"
    torch.onnx.export(sampler, (noise, energies), str(path), input_names=["noise", "energies"],
                      output_names=["showers"], dynamo=False)
    out = ort.InferenceSession(str(path)).run(None, {"noise": noise.numpy(), "energies": energies.numpy()})[0]
    with torch.no_grad():
        ref = sampler(noise, energies).numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-3, atol=1e-3 * ref.max())


@pytest.mark.slow  # training or ONNX export
@pytest.mark.parametrize("name", MODELS)
def test_irregular_geometry(name: str) -> None:
    """ds1-photon-like (5 polar layers of different binning, no image): every family works."""
    showers = synthetic_showers(200, seed=4, geometry="ds1-photon-like")
    model = tiny_model(name, showers)
    fit_model(model, showers.energies, showers.showers, TrainConfig(**{**TINY_TRAINING, "max_steps": 10}))
    out = model.sample([1.1e3, 9e4], generator=torch.Generator().manual_seed(0))
    assert out.shape == (2, 368) and (out >= 0).all() and float(out[1].sum()) > float(out[0].sum())
