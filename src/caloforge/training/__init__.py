"""The training loop shared by all model families, its config and run directories."""

from caloforge.training.config import RunConfig, TrainConfig, load_run_config
from caloforge.training.run import fit_model, train_run
from caloforge.training.trainer import Trainer, TrainResult

__all__ = ["RunConfig", "TrainConfig", "TrainResult", "Trainer", "fit_model", "load_run_config", "train_run"]
