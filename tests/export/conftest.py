"""Tiny untrained models (weights are irrelevant for export equality) saved as run directories."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from modelkit import synthetic_showers, tiny_model  # noqa: E402

from caloforge.io import Showers, write_showers  # noqa: E402
from caloforge.models import save_model  # noqa: E402


@pytest.fixture(scope="session")
def export_showers() -> Showers:
    return synthetic_showers(200, seed=3)


@pytest.fixture(scope="session")
def run_dirs(tmp_path_factory: pytest.TempPathFactory, export_showers: Showers) -> dict[str, Path]:
    """One run directory (model.pt) per registered model family."""
    from caloforge.models import list_models

    root = tmp_path_factory.mktemp("runs")
    dirs = {}
    for name in list_models():
        directory = root / name
        directory.mkdir()
        save_model(tiny_model(name, export_showers), directory / "model.pt")
        dirs[name] = directory
    return dirs


@pytest.fixture(scope="session")
def like_file(tmp_path_factory: pytest.TempPathFactory, export_showers: Showers) -> Path:
    path = tmp_path_factory.mktemp("like") / "ref.h5"
    write_showers(path, export_showers)
    return path
