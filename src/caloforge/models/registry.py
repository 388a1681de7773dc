"""Registry of model families: names -> classes, and their typed configs (model.pt files: ``store``)."""

from __future__ import annotations

from typing import Any

from caloforge.config import from_dict
from caloforge.models.base import DataSpec, ShowerModel
from caloforge.registry import Registry

MODELS: Registry[type[ShowerModel]] = Registry("model")


def list_models() -> list[str]:
    return MODELS.names()


def model_class(name: str) -> type[ShowerModel]:
    return MODELS.create(name)


def make_config(name: str, data: dict[str, Any] | None = None) -> Any:
    """The typed config of family ``name`` from a (YAML) mapping; defaults where keys are absent."""
    return from_dict(model_class(name).config_class, data or {}, f"{name} config")


def build_model(name: str, config: Any, spec: DataSpec) -> ShowerModel:
    return model_class(name)(config, spec)


@MODELS.register("diffusion")
def _diffusion() -> type[ShowerModel]:
    from caloforge.models.diffusion import DiffusionModel

    return DiffusionModel


@MODELS.register("flow")
def _flow() -> type[ShowerModel]:
    from caloforge.models.flow import FlowModel

    return FlowModel


@MODELS.register("vae")
def _vae() -> type[ShowerModel]:
    from caloforge.models.vae import VAEModel

    return VAEModel


@MODELS.register("cgan")
def _cgan() -> type[ShowerModel]:
    from caloforge.models.cgan import CGANModel

    return CGANModel
