"""Training runs: fit a model on arrays, or run ``caloforge train`` into a run directory.

A run directory holds ``config.yaml`` (resolved config and data description), ``stats.jsonl``,
``checkpoint.pt`` (full training state, for ``--resume``) and ``model.pt`` (EMA weights and all
that ``generate`` needs; see ``caloforge.models.store``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml

from caloforge.atomic import write_text_atomic
from caloforge.config import to_dict
from caloforge.errors import InputError
from caloforge.geometry.symmetry import asymmetry, transverse_symmetries
from caloforge.models import DataSpec, ShowerModel, build_model, save_model
from caloforge.preprocessing import kept_voxels
from caloforge.training.batches import ShowerBatches
from caloforge.training.checkpoint import seed_everything
from caloforge.training.config import RunConfig, TrainConfig, load_run_config, run_config_from_dict, tuned_config
from caloforge.training.data import TrainingData, load_training_data
from caloforge.training.trainer import Trainer, TrainResult


def _split(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    n_val = max(1, int(round(val_fraction * n)))
    if n - n_val < 2:
        raise InputError(f"only {n} showers: too few to train")
    return np.sort(order[n_val:]), np.sort(order[:n_val])


@torch.no_grad()
def _encode(model: ShowerModel, energies: np.ndarray, showers: np.ndarray, particle: np.ndarray | None,
            seed: int, chunk: int = 4096) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (dequantised once, with a seeded generator) and conditions: the validation set."""
    xs, cs, generator = [], [], torch.Generator().manual_seed(seed)
    for start in range(0, len(energies), chunk):
        e = torch.from_numpy(energies[start:start + chunk]).float()
        s = torch.from_numpy(showers[start:start + chunk]).float()
        p = model.particle_onehot_of_index(None if particle is None else particle[start:start + chunk])
        x, c = model.encode(e, s, p, generator)
        xs.append(x)
        cs.append(c)
    return torch.cat(xs), torch.cat(cs)


FIT_ROWS = 50_000  # the preprocessing is fitted on every symmetry image while they fit in this


def _images_for_fit(energies: np.ndarray, showers: np.ndarray, symmetries: np.ndarray,
                    seed: int) -> tuple[np.ndarray, np.ndarray]:
    """What the preprocessing is fitted on: every image of every shower when that stays under
    ``FIT_ROWS`` rows (the maps and the covariance are then exactly symmetric), else one
    seeded, uniformly drawn image per shower."""
    if len(symmetries) * len(showers) <= FIT_ROWS:
        return np.tile(energies, len(symmetries)), np.concatenate([showers[:, perm] for perm in symmetries])
    image = np.random.default_rng(seed).integers(len(symmetries), size=len(showers))
    out = np.empty_like(showers)
    for k, perm in enumerate(symmetries):
        rows = np.flatnonzero(image == k)
        out[rows] = showers[rows][:, perm]
    return energies, out


def fit_model(model: ShowerModel, energies: np.ndarray, showers: np.ndarray, train: TrainConfig | None = None,
              particle: np.ndarray | None = None, run_dir: str | Path | None = None, resume: bool = False,
              on_step: Callable[[int], None] | None = None, symmetries: np.ndarray | None = None) -> TrainResult:
    """Split, fit preprocessing on the training part, train; the model ends with the final weights.

    ``symmetries`` ((G, n_voxels) permutations): augment the training part with symmetry images
    (see ``_images_for_fit`` for the preprocessing); validation stays as measured.
    """
    train = train or TrainConfig()
    run_dir = None if run_dir is None else Path(run_dir)
    energies, showers = np.asarray(energies, np.float32), np.asarray(showers, np.float32)
    tr, va = _split(len(energies), train.val_fraction, train.seed)
    if symmetries is not None and len(symmetries) < 2:
        symmetries = None
    fit_energies, fit_showers = (energies[tr], showers[tr]) if symmetries is None else _images_for_fit(
        energies[tr], showers[tr], symmetries, train.seed)
    fit_particle = None if particle is None else np.asarray(particle)[tr]
    if fit_particle is not None and len(fit_energies) != len(tr):  # every image: the rows tiled
        fit_particle = np.tile(fit_particle, len(fit_energies) // len(tr))
    model.fit_preprocessing(fit_energies, fit_showers, kept_voxels(showers, symmetries), fit_particle)
    del fit_energies, fit_showers
    pick = (lambda idx: None) if particle is None else (lambda idx: np.asarray(particle)[idx])
    batches = ShowerBatches(model, energies[tr], showers[tr], pick(tr), train.seed, symmetries)
    trainer = Trainer(model, train, batches,
                      _encode(model, energies[va], showers[va], pick(va), train.seed + 1), run_dir, on_step)
    if resume and run_dir is not None:
        trainer.resume(run_dir / "checkpoint.pt")
    result = trainer.fit()
    model.load_state_dict(trainer.final_weights())
    return dataclasses.replace(result, symmetries=1 if symmetries is None else len(symmetries))


def _resolve_config(out: Path, model: str | None, config: Path | None, resume: bool,
                    overrides: dict[str, Any]) -> RunConfig:
    if resume:
        stored = out / "config.yaml"
        if not stored.is_file():
            raise InputError(f"{out}: nothing to resume (no config.yaml); train without --resume first")
        from caloforge.models.store import stored_model_args

        data = yaml.safe_load(stored.read_text()) or {}
        if isinstance(data, dict) and "model_args" in data:
            data = {**data, "model_args": stored_model_args(data["model_args"])}
        run = run_config_from_dict(data, model, str(stored))
        if config is not None and load_run_config(config, run.model).model_args != run.model_args:
            raise InputError(f"--config {config} differs from the run being resumed ({stored})")
        if "seed" in overrides and overrides["seed"] != run.training.seed:
            raise InputError(f"cannot change --seed when resuming (the run uses seed {run.training.seed})")
    else:
        if (out / "checkpoint.pt").exists() or (out / "model.pt").exists():
            raise InputError(f"{out} already holds a run: add --resume to continue it, or choose another --out")
        run = load_run_config(config, model)
    run.training = dataclasses.replace(run.training, **overrides)
    return run


def _symmetries(data: TrainingData, mode: str) -> tuple[np.ndarray | None, str]:
    """The augmentation group for ``training.augment`` and a one-line note on the choice."""
    if mode == "off":
        return None, ""
    group = transverse_symmetries(data.geometry.readout)
    if len(group) < 2:
        return None, f"no transverse symmetry in {data.geometry.name}: augmentation off"
    reason = asymmetry(data.geometry.readout, data.showers)
    if reason is not None:
        if mode == "on":
            raise InputError(f"training.augment is 'on' but {reason}; set it to 'auto' or 'off'")
        return None, f"augmentation off: {reason}"
    return group, f"augmented with {len(group)} transverse symmetries of {data.geometry.name}"


def _describe(data: TrainingData, paths: list[Path], spec: DataSpec) -> dict[str, Any]:
    return {"files": [str(p) for p in paths], "geometry": data.geometry.name, "particles": list(data.particles),
            "showers": len(data), "energy_min_mev": spec.energy_min, "energy_max_mev": spec.energy_max}


def train_run(data_paths: list[Path], out: Path, model: str | None = None, config: Path | None = None,
              resume: bool = False, on_step: Callable[[int], None] | None = None, keep_checkpoint: bool = True,
              **overrides: Any) -> TrainResult:
    """``caloforge train``: overrides are TrainConfig fields given on the command line.

    ``keep_checkpoint=False`` deletes ``checkpoint.pt`` (the full training state, ~3x the size of
    ``model.pt`` with its optimiser moments) once ``model.pt`` is written: the run can then be used
    but not resumed.

    Without ``config``, the shipped config tuned for the data's geometry and ``model`` is used
    when there is one (see ``tuned_config``), else the model's defaults.
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    data = load_training_data(data_paths)
    if config is None and not resume and model is not None:
        config = tuned_config(data.geometry.name, model)
    run = _resolve_config(out, model, config, resume, overrides)
    tr, _ = _split(len(data), run.training.val_fraction, run.training.seed)
    symmetries, note = _symmetries(data, run.training.augment)
    spec = DataSpec.from_data(data.geometry, data.energies[tr], data.showers, data.particles, symmetries,
                              data.energy_range)
    spec = dataclasses.replace(spec, n_train=len(tr))
    seed_everything(run.training.seed)
    shower_model = build_model(run.model, run.model_args, spec)
    out.mkdir(parents=True, exist_ok=True)
    units = {"loss": shower_model.loss_unit, "val_loss": shower_model.loss_unit, "lr": "learning rate",
             "time": "seconds since the run (or its resumption) started", "step": "optimiser steps"}
    write_text_atomic(out / "config.yaml", yaml.safe_dump(
        {**run.to_dict(), "data": {**_describe(data, data_paths, spec), "spec": to_dict(spec)},
         "stats_units": units}, sort_keys=False))
    result = fit_model(shower_model, data.energies, data.showers, run.training, data.particle, out, resume,
                       on_step, symmetries)
    result = dataclasses.replace(result, augmentation=note)
    save_model(shower_model, out / "model.pt", training={**dataclasses.asdict(result)},
               data=_describe(data, data_paths, spec))
    if not keep_checkpoint:
        (out / "checkpoint.pt").unlink(missing_ok=True)
    return result
