"""One preprocessing map per particle: each population comes out Gaussian under its own map,
the map round-trips rows of every particle, and the exported graph equals torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from modelkit import synthetic_showers, tiny_model

from caloforge.io import Showers
from caloforge.preprocessing import PerParticlePreprocessor, ShowerPreprocessor


@pytest.fixture(scope="module")
def two_particles() -> tuple[Showers, np.ndarray]:
    """Two populations: the second sees a quarter of the visible energy of the first."""
    first, second = synthetic_showers(400, seed=3), synthetic_showers(400, seed=4, sampling=0.025)
    energies = np.concatenate([first.energies, second.energies])
    showers = np.concatenate([first.showers, second.showers])
    return Showers(energies, showers, first.attrs), np.repeat([0, 1], 400)


def _layer_means(model: torch.nn.Module, sample: Showers, particle: np.ndarray, k: int) -> np.ndarray:
    onehot = model.particle_onehot_of_index(particle)
    x, _ = model.encode(torch.from_numpy(sample.energies).float(), torch.from_numpy(sample.showers).float(), onehot)
    layers = x[torch.from_numpy(particle == k)][:, : model.preprocessor.n_layers]
    return layers.mean(0).numpy()


def test_each_particle_is_gaussianised_by_its_own_map(two_particles: tuple[Showers, np.ndarray]) -> None:
    """With quantile marginals a population's features have mean ~0 under its own map (400
    showers: the standard error of a mean is 0.05); under one shared map the dimmer population
    sits a fraction of a sigma below the mixture's centre, the brighter one above it."""
    sample, particle = two_particles
    per = tiny_model("flow", sample, ("e-", "p"), particle)
    assert isinstance(per.preprocessor, PerParticlePreprocessor)
    config = {"preprocessing": {"marginal": "quantile", "quantile_knots": 64}}
    per = _quantile_model(sample, particle, config, per_particle=True)
    shared = _quantile_model(sample, particle, config, per_particle=False)
    assert isinstance(shared.preprocessor, ShowerPreprocessor)
    for k in (0, 1):
        assert np.abs(_layer_means(per, sample, particle, k)).mean() < 0.15, k
    assert _layer_means(shared, sample, particle, 1).mean() < -0.5
    assert _layer_means(shared, sample, particle, 0).mean() > 0.5


def _quantile_model(sample: Showers, particle: np.ndarray, config: dict, per_particle: bool) -> torch.nn.Module:
    from caloforge.geometry import get_geometry
    from caloforge.models import DataSpec, build_model, make_config
    from caloforge.preprocessing import kept_voxels

    spec = DataSpec.from_data(get_geometry("ams-ecal"), sample.energies, sample.showers, ("e-", "p"))
    args = {"energy_transforms": 1, "energy_hidden": [8], "shower_transforms": 1, "shower_hidden": [8],
            "preprocessing": {**config["preprocessing"], "per_particle": per_particle}}
    model = build_model("flow", make_config("flow", args), spec)
    model.fit_preprocessing(sample.energies, sample.showers, kept_voxels(sample.showers), particle)
    return model


def test_round_trip_of_both_particles(two_particles: tuple[Showers, np.ndarray]) -> None:
    sample, particle = two_particles
    model = tiny_model("flow", sample, ("e-", "p"), particle)
    rows = np.r_[0:20, 400:420]
    e = torch.from_numpy(sample.energies[rows]).float()
    truth = torch.from_numpy(sample.showers[rows]).float()
    onehot = model.particle_onehot_of_index(particle[rows])
    x, _ = model.encode(e, truth, onehot)
    back = model.preprocessor.inverse(e, x, onehot)
    torch.testing.assert_close(back, truth, rtol=1e-3, atol=1e-5 * float(e.max()))
    with pytest.raises(Exception, match="particle"):
        model.preprocessor.inverse(e, x)


@pytest.mark.slow  # ONNX export
def test_onnx_of_one_particle_equals_torch(two_particles: tuple[Showers, np.ndarray], tmp_path: Path) -> None:
    from caloforge.export.onnx import OnnxSampler, export_onnx

    sample, particle = two_particles
    model = tiny_model("flow", sample, ("e-", "p"), particle)
    sampler = model.export_sampler()
    onehot = model.particle_onehot(["p"], 1)[0]
    export_onnx(sampler, tuple(sampler.noise_shape(1)[1:]), tmp_path / "p.onnx", particle_onehot=onehot)
    noise = np.random.default_rng(0).standard_normal(sampler.noise_shape(16)).astype(np.float32)
    energies = np.full(16, 2e4, dtype=np.float32)
    onnx_showers = OnnxSampler(tmp_path / "p.onnx")(noise, energies)
    with torch.no_grad():
        torch_showers = sampler(torch.from_numpy(noise), torch.from_numpy(energies), onehot.expand(16, -1)).numpy()
    np.testing.assert_allclose(onnx_showers, torch_showers, rtol=1e-3, atol=1e-3)


def test_models_written_before_per_particle_maps_load_with_one_map(two_particles: tuple[Showers, np.ndarray]) -> None:
    """A record whose config has no ``per_particle`` key (an older CaloForge) held one shared map."""
    from caloforge.models.store import model_from_record, model_record

    sample, particle = two_particles
    shared = _quantile_model(sample, particle, {"preprocessing": {"marginal": "standard"}}, per_particle=False)
    record = model_record(shared)
    del record["config"]["preprocessing"]["per_particle"]
    loaded = model_from_record(record)
    assert isinstance(loaded.preprocessor, ShowerPreprocessor)
    e = np.full(4, 2e4, dtype=np.float32)
    np.testing.assert_array_equal(loaded.sample(e, ["p"], seed=1), shared.sample(e, ["p"], seed=1))
