"""Conditional generative models of calorimeter showers behind one interface.

``build_model(name, config, spec)``, ``load_model(run_dir)``, ``model.sample(energies,
generator=...)``, ``model.export_sampler()``; see ``caloforge.models.base`` for the contract.
"""

from caloforge.models.base import ConditionEncoder, DataSpec, ShowerModel, ShowerSampler
from caloforge.models.registry import MODELS, build_model, list_models, make_config, model_class
from caloforge.models.store import load_model, save_model

DEFAULT_MODEL = "flow"  # fast and the best on the classifier test: see README "Models"

__all__ = ["DEFAULT_MODEL", "MODELS", "ConditionEncoder", "DataSpec", "ShowerModel", "ShowerSampler", "build_model",
           "list_models", "load_model", "make_config", "model_class", "save_model"]
