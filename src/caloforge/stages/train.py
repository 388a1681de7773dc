"""Stage ``train``: a generative model fitted on shower files into a run directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caloforge.models import DEFAULT_MODEL
from caloforge.training import TrainResult, train_run


def train_model(data: list[Path], out: Path, model: str | None = None, config: Path | None = None,
                resume: bool | None = False, keep_checkpoint: bool = True, **overrides: Any) -> TrainResult:
    """Train into ``out`` (see ``caloforge.training.train_run``); ``overrides`` are ``TrainConfig``
    fields (None: not given). Without ``model`` and ``config`` the default family is trained.
    ``resume=None``: continue the run in ``out`` when it holds a checkpoint, else start one (what a
    re-run of a pipeline wants)."""
    if resume is None:
        resume = (out / "checkpoint.pt").is_file()
        if resume:
            model = None  # the run's own config says which family it is
    if model is None and config is None and not resume:
        model = DEFAULT_MODEL
    return train_run(list(data), out, model, config, resume, keep_checkpoint=keep_checkpoint, **overrides)
