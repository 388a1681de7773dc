"""Fixtures for model tests: tiny synthetic data sets (see modelkit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from modelkit import synthetic_showers

from caloforge.io import Showers, write_showers


@pytest.fixture(scope="session")
def tiny_showers() -> Showers:
    return synthetic_showers(300, seed=1)


@pytest.fixture(scope="session")
def tiny_file(tmp_path_factory: pytest.TempPathFactory, tiny_showers: Showers) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.h5"
    write_showers(path, tiny_showers)
    return path
