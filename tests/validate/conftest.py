"""Fixtures of the validation tests: geometries and synthetic sample pairs (see showerkit)."""

from __future__ import annotations

import pytest
from showerkit import make_showers

from caloforge.geometry import Geometry, get_geometry
from caloforge.io import Showers


@pytest.fixture(scope="session")
def ams() -> Geometry:
    return get_geometry("ams-ecal")


@pytest.fixture(scope="session")
def ds1() -> Geometry:
    return get_geometry("ds1-photon-like")


@pytest.fixture(scope="session")
def ams_pair(ams: Geometry) -> tuple[Showers, Showers]:
    """Reference and an independent sample of the same distribution, ams-ecal."""
    return make_showers(ams, 2000, seed=1), make_showers(ams, 2000, seed=2)


@pytest.fixture(scope="session")
def ds1_pair(ds1: Geometry) -> tuple[Showers, Showers]:
    return make_showers(ds1, 2000, seed=3), make_showers(ds1, 2000, seed=4)
