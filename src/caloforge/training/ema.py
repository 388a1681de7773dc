"""Exponential moving average of model weights (Polyak averaging) with a warm-up of the decay,
as torch's ``AveragedModel``.

torch ships the averaging machinery (``torch.optim.swa_utils.AveragedModel``, which also keeps
buffers such as the fitted preprocessing in sync); only the decay schedule is ours:
``min(decay, (1 + step) / (10 + step))``, so that early weights are not remembered for long
(the fixed decay of ``get_ema_multi_avg_fn`` would average in the random initialisation for
thousands of steps at decay 0.999).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.optim.swa_utils import AveragedModel


def effective_decay(decay: float, step: int) -> float:
    """The decay applied at optimisation step ``step`` (0-based)."""
    return min(decay, (1 + step) / (10 + step))


def ema_model(model: nn.Module, decay: float) -> AveragedModel:
    """An ``AveragedModel`` of ``model``: call ``update_parameters(model)`` after every step;
    ``.module`` holds the averaged weights. The copy made here counts as the first average, so
    the update after step s uses ``effective_decay(decay, s)``."""

    def average(averaged: Tensor, current: Tensor, n_averaged: Tensor | int) -> Tensor:
        d = effective_decay(decay, int(n_averaged) - 1)
        return averaged.mul(d).add_(current, alpha=1 - d)

    ema = AveragedModel(model, avg_fn=average, use_buffers=False)
    ema.n_averaged.fill_(1)
    return ema


def set_ema_step(ema: AveragedModel, step: int) -> None:
    """After loading averaged weights saved at ``step``: continue the decay schedule from there."""
    with torch.no_grad():
        ema.n_averaged.fill_(step + 1)
