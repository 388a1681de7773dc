"""Every shipped YAML config in configs/ loads into typed dataclasses (typos fail here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caloforge.training import load_run_config

CONFIGS = sorted((Path(__file__).parents[2] / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_config_loads(path: Path) -> None:
    run = load_run_config(path)
    assert path.name.split("_x_")[1].split("-")[0].split(".")[0] == run.model
    assert run.training.max_steps > 0


def test_configs_exist() -> None:
    assert {"diffusion", "flow", "vae", "cgan"} <= {p.stem.split("_x_")[1].split("-")[0] for p in CONFIGS}
