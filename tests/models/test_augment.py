"""Training on symmetry images (``training.augment``): invariants, determinism, and refusal when
the beam is off the detector axis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from modelkit import tiny_config_file, tiny_model
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.errors import InputError
from caloforge.geometry import get_geometry
from caloforge.geometry.symmetry import transverse_symmetries
from caloforge.io import Showers, write_showers
from caloforge.training import run as run_module
from caloforge.training import train_run
from caloforge.training.batches import ShowerBatches
from caloforge.training.run import _images_for_fit

pytestmark = pytest.mark.slow  # training runs

runner = CliRunner()
GROUP = transverse_symmetries(get_geometry("ams-ecal").readout)


def _layers(showers: np.ndarray) -> np.ndarray:
    return showers.reshape(len(showers), 18, 72).sum(axis=2)


def test_preprocessing_sees_every_image(tiny_showers: Showers) -> None:
    """Small sets: all 4 images of every shower, so the fitted maps are exactly symmetric."""
    energies, images = _images_for_fit(tiny_showers.energies, tiny_showers.showers, GROUP, seed=2)
    n = len(tiny_showers)
    assert images.shape == (4 * n, 18 * 72)
    np.testing.assert_array_equal(energies, np.tile(tiny_showers.energies, 4))
    np.testing.assert_allclose(_layers(images), np.tile(_layers(tiny_showers.showers), (4, 1)), rtol=1e-6)
    mean = images.mean(axis=0, dtype=np.float64)
    for perm in GROUP:
        np.testing.assert_allclose(mean[perm], mean, rtol=1e-9)


def test_large_sets_get_one_random_image(tiny_showers: Showers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "FIT_ROWS", 100)
    energies, images = _images_for_fit(tiny_showers.energies, tiny_showers.showers, GROUP, seed=2)
    np.testing.assert_array_equal(energies, tiny_showers.energies)
    np.testing.assert_allclose(_layers(images), _layers(tiny_showers.showers), rtol=1e-6)
    changed = np.any(images != tiny_showers.showers, axis=1).mean()
    assert 0.6 < changed < 0.9  # 3 of the 4 group elements move a shower


def test_augmented_batches_are_seeded(tiny_showers: Showers) -> None:
    model = tiny_model("flow", tiny_showers)
    args = (model, tiny_showers.energies, tiny_showers.showers, None, 5)
    index = torch.arange(64)
    a, b = ShowerBatches(*args, GROUP).batch(index, 7), ShowerBatches(*args, GROUP).batch(index, 7)
    plain = ShowerBatches(*args).batch(index, 7)
    torch.testing.assert_close(a[0], b[0])
    assert not torch.allclose(a[0], plain[0])
    torch.testing.assert_close(a[1], plain[1])  # conditions (incident and layer energies) are invariant


def _offset_file(tiny_showers: Showers, path: Path) -> Path:
    """The tiny showers moved by one cell in x and y: the beam 9 mm off the axis."""
    moved = np.roll(tiny_showers.showers.reshape(-1, 18, 72), 1, axis=2).reshape(len(tiny_showers), -1)
    write_showers(path, Showers(tiny_showers.energies, moved, tiny_showers.attrs))
    return path


def test_train_with_augmentation(tiny_file: Path, tmp_path: Path) -> None:
    config = tiny_config_file(tmp_path, "flow", augment="on")
    result = train_run([tiny_file], tmp_path / "run", config=config, seed=1)
    assert result.symmetries == 4 and "4 transverse symmetries" in result.augmentation


def test_off_axis_data_refuse_or_skip(tiny_showers: Showers, tmp_path: Path) -> None:
    data = _offset_file(tiny_showers, tmp_path / "offset.h5")
    with pytest.raises(InputError, match="not on the detector axis"):
        train_run([data], tmp_path / "on", config=tiny_config_file(tmp_path, "flow", augment="on"))
    auto = tmp_path / "auto"
    auto.mkdir()
    result = train_run([data], tmp_path / "auto-run", config=tiny_config_file(auto, "flow", augment="auto"))
    assert result.symmetries == 1 and result.augmentation.startswith("augmentation off")


def test_cli_off_axis_is_one_line(tiny_showers: Showers, tmp_path: Path) -> None:
    data = _offset_file(tiny_showers, tmp_path / "offset.h5")
    config = tiny_config_file(tmp_path, "flow", augment="on")
    result = runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "r"), "--config", str(config)])
    assert result.exit_code == 2 and "not on the detector axis" in result.output
    assert "Traceback" not in result.output
