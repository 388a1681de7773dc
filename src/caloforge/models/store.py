"""``model.pt``: the one place that writes and reads trained models.

A model file is a dict: format tag, family name, config and data spec (plain dicts), the
state_dict, and the CaloForge version and git commit that wrote it. Everything ``generate``
needs is in that one file (nanoGPT's ``model_args`` idea); ``checkpoint.pt`` (``training``) holds
the training state, and the run folder's ``config.yaml`` the rest.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import torch

from caloforge._version import __version__
from caloforge.atomic import atomic_path
from caloforge.config import from_dict, to_dict
from caloforge.errors import InputError
from caloforge.models.base import DataSpec, ShowerModel
from caloforge.models.registry import build_model, make_config

MODEL_FORMAT = "caloforge-model/1"


def git_hash() -> str:
    """Commit of the source tree CaloForge runs from, or "" outside a git checkout."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent,
                                capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def model_record(model: ShowerModel, state_dict: dict[str, torch.Tensor] | None = None) -> dict[str, Any]:
    """The self-describing dict stored as model.pt."""
    return {
        "format": MODEL_FORMAT, "model": model.name, "config": to_dict(model.config),
        "spec": to_dict(model.spec), "state_dict": state_dict if state_dict is not None else model.state_dict(),
        "caloforge_version": __version__, "git": git_hash(),
    }


def save_model(model: ShowerModel, path: str | os.PathLike[str], state_dict: dict[str, torch.Tensor] | None = None,
               **extra: Any) -> None:
    """Write model.pt atomically (``state_dict``: e.g. the EMA weights instead of the raw ones)."""
    with atomic_path(path) as tmp:
        torch.save({**model_record(model, state_dict), **extra}, tmp)


def stored_model_args(config: Any) -> Any:
    """Model arguments as written by an earlier CaloForge: one written before per-particle maps
    had one shared map, so ``per_particle`` is False there, not the new default."""
    pre = config.get("preprocessing") if isinstance(config, dict) else None
    if isinstance(pre, dict) and "per_particle" not in pre:
        return {**config, "preprocessing": {**pre, "per_particle": False}}
    return config


def model_from_record(record: dict[str, Any], device: str | torch.device = "cpu") -> ShowerModel:
    if record.get("format") != MODEL_FORMAT:
        raise InputError(f"not a CaloForge model file (format {record.get('format')!r})")
    spec = from_dict(DataSpec, record["spec"], "model spec")
    config = stored_model_args(record["config"])
    model = build_model(record["model"], make_config(record["model"], config), spec)
    try:
        model.load_state_dict(record["state_dict"])
    except RuntimeError as exc:
        raise InputError(f"model weights do not fit this CaloForge version ({str(exc).splitlines()[0]}); "
                         f"it was written by version {record.get('caloforge_version')}") from None
    return model.to(device).eval()


def read_record(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The dict stored in ``model.pt`` (or a run directory's), without building the model."""
    path = Path(path)
    if path.is_dir():
        path = path / "model.pt"
    if not path.is_file():
        raise InputError(f"{path}: no trained model here (train one with `caloforge train`)")
    try:
        record = torch.load(path, map_location="cpu", weights_only=True)  # no code runs from a shared file
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error here
        raise InputError(f"{path}: cannot read model file ({exc.__class__.__name__})") from None
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT:
        raise InputError(f"{path}: not a CaloForge model file")
    return record


def load_model(path: str | os.PathLike[str], device: str | torch.device = "cpu") -> ShowerModel:
    """Load a model from ``model.pt`` or from a run directory holding one."""
    return model_from_record(read_record(path), device)
