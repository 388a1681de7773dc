"""The contract every registered model family obeys (zuko's test_flows idea, STYLE.md #9)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from modelkit import MODELS, TINY_TRAINING, synthetic_showers, tiny_model

from caloforge.errors import InputError
from caloforge.io import Showers
from caloforge.models import ShowerModel, load_model, save_model
from caloforge.training import TrainConfig, fit_model


@pytest.fixture(scope="module", params=[pytest.param(name, marks=pytest.mark.slow) for name in MODELS])
def fitted(request: pytest.FixtureRequest, tiny_showers: Showers) -> ShowerModel:
    """A tiny model of each family after a short fit (a few seconds each: tests on it are slow)."""
    torch.set_num_threads(1)
    model = tiny_model(request.param, tiny_showers)
    fit_model(model, tiny_showers.energies, tiny_showers.showers, TrainConfig(**{**TINY_TRAINING, "max_steps": 150}))
    return model


def test_all_families_registered() -> None:
    assert {"diffusion", "flow", "vae", "cgan"} <= set(MODELS)


def test_sample_shapes_and_units(fitted: ShowerModel) -> None:
    energies = np.array([2e3, 2e4, 8e4], dtype=np.float32)
    showers = fitted.sample(energies, generator=torch.Generator().manual_seed(0))
    assert showers.shape == (3, fitted.spec.n_voxels) and showers.dtype == np.float32
    assert np.isfinite(showers).all() and (showers >= 0).all()
    never_hit = np.setdiff1d(np.arange(fitted.spec.n_voxels), fitted.preprocessor.kept.numpy())
    assert (showers[:, never_hit] == 0).all()


def test_fixed_seed_determinism(fitted: ShowerModel) -> None:
    energies = np.full(4, 1e4, dtype=np.float32)
    a = fitted.sample(energies, generator=torch.Generator().manual_seed(3))
    b = fitted.sample(energies, generator=torch.Generator().manual_seed(3))
    c = fitted.sample(energies, generator=torch.Generator().manual_seed(4))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_exported_sampler_is_the_sample_path(fitted: ShowerModel) -> None:
    energies = torch.tensor([3e3, 5e4])
    sampler = fitted.export_sampler()
    noise = torch.randn(sampler.noise_shape(2), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        direct = sampler(noise, energies)
    via_sample = fitted.sample(energies, generator=torch.Generator().manual_seed(1))
    assert fitted.noise_shape(2) == tuple(noise.shape)
    assert np.array_equal(direct.numpy(), via_sample)


def test_save_load_round_trip(fitted: ShowerModel, tmp_path: Path) -> None:
    save_model(fitted, tmp_path / "model.pt")
    loaded = load_model(tmp_path)
    energies = np.array([1.5e3, 7e4], dtype=np.float32)
    a = fitted.sample(energies, generator=torch.Generator().manual_seed(9))
    b = loaded.sample(energies, generator=torch.Generator().manual_seed(9))
    assert loaded.name == fitted.name and np.array_equal(a, b)


def test_condition_respected(fitted: ShowerModel, tiny_showers: Showers) -> None:
    """Mean total energy rises with incident energy, and E_vis / E_inc is near the data's (~0.095)."""
    gen = torch.Generator().manual_seed(0)
    data_ratio = float((tiny_showers.total_energy() / tiny_showers.energies).mean())
    means = []
    for energy in (2e3, 2e4, 8e4):
        showers = fitted.sample(np.full(200, energy, dtype=np.float32), generator=gen).astype(np.float64)
        means.append(float(showers.sum(1).mean()))
        assert means[-1] / energy == pytest.approx(data_ratio, rel=0.35)
    assert means[0] < means[1] < means[2]


@pytest.mark.parametrize("name", MODELS)
def test_gradients_reach_every_parameter(name: str, tiny_showers: Showers) -> None:
    model = tiny_model(name, tiny_showers)
    x, c = model.encode(torch.from_numpy(tiny_showers.energies[:32]), torch.from_numpy(tiny_showers.showers[:32]))
    optimizers = [torch.optim.SGD(model.parameters(), lr=0.0)]
    if len(model.configure_optimizers(TrainConfig())) == 2:
        optimizers = [torch.optim.SGD(model.parameters(), lr=0.0), torch.optim.SGD(model.parameters(), lr=0.0)]
    grads: dict[str, bool] = {}
    for param_name, p in model.named_parameters():
        p.register_hook(lambda g, k=param_name: grads.__setitem__(k, grads.get(k, False) or bool(g.abs().sum() > 0)))
    model.train()
    losses = model.train_step(x, c, 0, optimizers, grad_clip=0.0)
    assert all(np.isfinite(v) for v in losses.values())
    missing = [k for k, _ in model.named_parameters() if not grads.get(k)]
    assert not missing, f"no gradient reaches {missing}"


def test_log_prob_where_the_family_has_one(fitted: ShowerModel, tiny_showers: Showers) -> None:
    """``log_prob(energies, showers)`` takes the arguments in ``sample``'s order: finite, seeded,
    and higher for the data than for the same showers scaled by 3 (families with an exact
    likelihood); a clear error for the others."""
    e, s = tiny_showers.energies[:16], tiny_showers.showers[:16]
    if not fitted.exact_likelihood:
        with pytest.raises(InputError, match="no exact likelihood"):
            fitted.log_prob(e, s)
        return
    a, b = fitted.log_prob(e, s), fitted.log_prob(e, s)
    assert a.shape == (16,) and torch.isfinite(a).all() and torch.equal(a, b)
    assert float(fitted.log_prob(e, 3 * s).mean()) < float(a.mean())


def test_validation_loss_is_deterministic(fitted: ShowerModel, tiny_showers: Showers) -> None:
    x, c = fitted.encode(torch.from_numpy(tiny_showers.energies[:64]), torch.from_numpy(tiny_showers.showers[:64]))
    values = [fitted.validation_loss(x, c, torch.Generator().manual_seed(5)) for _ in range(2)]
    assert np.isfinite(values[0]) and values[0] == values[1]


@pytest.mark.parametrize("name", MODELS)
def test_unknown_sampling_option_is_refused(name: str, tiny_showers: Showers) -> None:
    with pytest.raises(InputError, match="no option"):
        tiny_model(name, tiny_showers).sample(np.array([1e4], dtype=np.float32), temperature=0.5)


@pytest.mark.slow
@pytest.mark.parametrize("name", MODELS)
def test_two_particles(name: str, tiny_showers: Showers, tmp_path: Path) -> None:
    """Trained on two particles, a model is conditioned on which: it asks for the particle, gives
    different showers for the two from the same noise, and keeps its particles through save/load."""
    torch.set_num_threads(1)
    other = synthetic_showers(300, seed=7, sampling=0.05)  # half the visible fraction
    energies = np.concatenate([tiny_showers.energies, other.energies])
    showers = np.concatenate([tiny_showers.showers, other.showers])
    particle = np.repeat([0, 1], [len(tiny_showers), len(other)])
    model = tiny_model(name, Showers(energies, showers, tiny_showers.attrs), particles=("e-", "p"), particle=particle)
    fit_model(model, energies, showers, TrainConfig(**{**TINY_TRAINING, "max_steps": 30}), particle)
    e = np.full(8, 2e4, dtype=np.float32)
    with pytest.raises(InputError, match="say which one"):
        model.sample(e)
    with pytest.raises(InputError, match="not trained on"):
        model.sample(e, ["gamma"])
    a = model.sample(e, ["e-"], generator=torch.Generator().manual_seed(2))
    b = model.sample(e, ["p"], generator=torch.Generator().manual_seed(2))
    assert a.shape == b.shape == (8, model.spec.n_voxels) and not np.array_equal(a, b)
    save_model(model, tmp_path / "model.pt")
    loaded = load_model(tmp_path)
    assert loaded.spec.particles == ("e-", "p")
    assert np.array_equal(loaded.sample(e, ["p"], seed=2), b)
    if model.exact_likelihood:
        assert torch.isfinite(model.log_prob(e, a, ["e-"])).all()


@pytest.mark.parametrize("name", MODELS)
def test_sample_is_numpy_in_mev_and_warns_outside_the_trained_range(name: str, tiny_showers: Showers) -> None:
    """``sample`` returns numpy float32 MeV; ``seed`` is the generator's seed; a bare 10 (meant as
    GeV, read as MeV) lies outside the trained range and draws a warning."""
    model = tiny_model(name, tiny_showers)
    a = model.sample([2e4, 3e4], seed=4)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    assert np.array_equal(a, model.sample([2e4, 3e4], generator=torch.Generator().manual_seed(4)))
    with pytest.warns(UserWarning, match="outside the training range .* MeV"):
        model.sample([10.0], seed=0)
