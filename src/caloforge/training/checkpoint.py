"""Training state on disk: everything ``--resume`` needs to continue exactly where it stopped."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

from caloforge.atomic import atomic_path
from caloforge.errors import InputError

CHECKPOINT_FORMAT = "caloforge-checkpoint/1"


def rng_state() -> dict[str, Any]:
    """States of every random generator that training draws from (torch, CUDA, numpy, python)."""
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    # numpy's state as plain numbers, so that checkpoints load with torch.load(weights_only=True)
    state = {"torch": torch.get_rng_state(), "numpy": (name, keys.tolist(), int(pos), int(has_gauss), float(gauss)),
             "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    name, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, gauss))
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def seed_everything(seed: int) -> None:
    """Seed torch, numpy and python; the trainer's data order has its own seeded generator."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def save_checkpoint(path: str | os.PathLike[str], state: dict[str, Any]) -> None:
    """Write atomically: an interrupted save leaves the previous checkpoint intact."""
    with atomic_path(path) as tmp:
        torch.save({"format": CHECKPOINT_FORMAT, **state}, tmp)


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no checkpoint to resume from (train without --resume first)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)  # no code runs from a shared file
    except Exception as exc:  # noqa: BLE001 - a damaged file is a user-level problem
        raise InputError(f"{path}: cannot read checkpoint ({exc.__class__.__name__}; a checkpoint written before "
                         "CaloForge loaded them safely cannot resume: delete it to train afresh)") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise InputError(f"{path}: not a CaloForge checkpoint")
    return state
