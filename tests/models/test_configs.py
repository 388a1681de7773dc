"""Every shipped YAML config in caloforge/configs/ loads into typed dataclasses (typos fail here)."""

from __future__ import annotations

from pathlib import Path

import pytest

import caloforge
from caloforge.training import load_run_config
from caloforge.training.config import tuned_config

CONFIGS = sorted((Path(caloforge.__file__).parent / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_config_loads(path: Path) -> None:
    run = load_run_config(path)
    assert path.name.split("_x_")[1].split("-")[0].split(".")[0] == run.model
    assert run.training.max_steps > 0


def test_configs_exist() -> None:
    assert {"diffusion", "flow", "vae", "cgan"} <= {p.stem.split("_x_")[1].split("-")[0] for p in CONFIGS}


def test_train_picks_the_tuned_config_of_the_geometry() -> None:
    for geometry in ("ams-ecal", "ds1-photon-like"):
        for model in ("diffusion", "flow", "vae", "cgan"):
            path = tuned_config(geometry, model)
            assert path is not None and load_run_config(path).model == model
    assert tuned_config("pbwo4-block", "diffusion") is None
