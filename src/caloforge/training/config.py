"""Typed configuration of a training run: the model family, its config, the training loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from caloforge.config import from_dict, to_dict
from caloforge.errors import InputError
from caloforge.models import make_config


@dataclass
class TrainConfig:
    """The training loop. Steps are optimiser steps of ``batch_size`` showers.

    max_steps: length of the run and of the cosine learning-rate decay. max_minutes: wall-clock
    budget of one invocation (0: none); training stops cleanly and writes a usable model.
    patience: validations without improvement before early stopping (0: never stop early).
    keep: which EMA weights the model ends with: "best" (lowest validation loss) or "last" (for
    losses that do not track sample quality, e.g. a flow's NLL dominated by dequantisation noise).
    device: "auto" (CUDA when available, else CPU), "cpu", "cuda", "cuda:1", ...
    augment: train on showers transformed by the readout's transverse symmetries (mirrored
    strips, rotated and reflected alpha bins; ``caloforge.geometry.symmetry``), valid when the
    beam is on the detector axis: "on" (an error if the data say otherwise), "auto" (only when
    the data pass that test) or "off".
    """

    batch_size: int = 256
    max_steps: int = 20000
    max_minutes: float = 0.0
    lr: float = 1e-3
    weight_decay: float = 0.0
    betas: tuple[float, ...] = (0.9, 0.999)
    warmup_steps: int = 200
    lr_schedule: str = "cosine"
    grad_clip: float = 1.0
    ema_decay: float = 0.999
    val_fraction: float = 0.1
    val_every: int = 500
    patience: int = 10
    keep: str = "best"
    checkpoint_every: int = 1000
    log_every: int = 100
    seed: int = 0
    device: str = "auto"
    augment: str = "off"

    def __post_init__(self) -> None:
        if self.keep not in ("best", "last"):
            raise InputError(f"training.keep must be 'best' or 'last', got {self.keep!r}")
        if self.batch_size < 1 or self.max_steps < 1:
            raise InputError("training.batch_size and training.max_steps must be positive")
        if not 0 < self.val_fraction < 0.9:
            raise InputError("training.val_fraction must lie in (0, 0.9)")
        if self.augment not in ("off", "auto", "on"):
            raise InputError(f"training.augment must be 'off', 'auto' or 'on', got {self.augment!r}")
        if self.lr_schedule not in ("cosine", "constant"):
            raise InputError("training.lr_schedule must be 'cosine' or 'constant'")


@dataclass
class RunConfig:
    """What ``caloforge train`` runs: ``model`` (family name), ``model_args`` (its typed config),
    ``training``. Stored resolved as ``config.yaml`` in the run directory."""

    model: str
    model_args: Any
    training: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "model_args": to_dict(self.model_args), "training": to_dict(self.training)}


def run_config_from_dict(data: dict[str, Any], model: str | None = None, where: str = "config") -> RunConfig:
    """Build a RunConfig; ``model`` (from the command line) must agree with the file's."""
    data = dict(data or {})
    unknown = sorted(set(data) - {"model", "model_args", "training", "data", "stats_units"})
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: model, model_args, training; "
                         "data and stats_units are written by caloforge train)")
    name = data.get("model") or model
    if name is None:
        raise InputError(f"{where}: say which model to train (--model NAME or 'model:' in the config)")
    if model is not None and name != model:
        raise InputError(f"{where} is for model {name!r}, but --model {model} was given")
    return RunConfig(model=name, model_args=make_config(name, data.get("model_args")),
                     training=from_dict(TrainConfig, data.get("training") or {}, f"{where}.training"))


def load_run_config(path: str | Path | None, model: str | None = None) -> RunConfig:
    """Read a YAML run config (defaults when ``path`` is None)."""
    if path is None:
        return run_config_from_dict({}, model)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    return run_config_from_dict(data, model, str(path))


def tuned_config(geometry: str, model: str) -> Path | None:
    """The shipped config ``caloforge/configs/{geometry}_x_{model}.yaml``, if there is one.

    The dataclass defaults are generic; these files hold the sizes tuned for 2 CPU cores and
    20 minutes on that geometry, so ``caloforge train`` without ``--config`` uses them.
    """
    path = Path(__file__).resolve().parent.parent / "configs" / f"{geometry}_x_{model}.yaml"
    return path if path.is_file() else None
