"""Exponential moving average of model weights (Polyak averaging) with a warm-up of the decay,
as torch's ``AveragedModel``.

torch ships the averaging machinery (``torch.optim.swa_utils.AveragedModel``, which also keeps
buffers such as the fitted preprocessing in sync); only the decay schedule is ours:
``min(decay, (1 + step) / (10 + step))``, so that early weights are not remembered for long
(the fixed decay of ``get_ema_multi_avg_fn`` would average in the random initialisation for
thousands of steps at decay 0.999).
"""

from __future__ import annotations

from torch import Tensor, nn
from torch.optim.swa_utils import AveragedModel


def effective_decay(decay: float, step: int) -> float:
    """The decay applied after optimisation step ``step`` (0-based)."""
    return min(decay, (1 + step) / (10 + step))


class EMAModel(AveragedModel):
    """An ``AveragedModel`` with the warm-up decay: call ``update(model, step)`` after every
    step; ``.module`` holds the averaged weights. The copy made at construction counts as the
    first average. The decay of a step is computed once, from the step number (reading it off the
    ``n_averaged`` buffer would synchronise a GPU once per parameter tensor)."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay, self._d = float(decay), 0.0
        super().__init__(model, avg_fn=self._average, use_buffers=False)
        self.n_averaged.fill_(1)

    def _average(self, averaged: Tensor, current: Tensor, n_averaged: Tensor | int) -> Tensor:
        return averaged.mul(self._d).add_(current, alpha=1 - self._d)

    def update(self, model: nn.Module, step: int) -> None:
        self._d = effective_decay(self.decay, step)
        self.update_parameters(model)

    def set_step(self, step: int) -> None:
        """After loading averaged weights saved at ``step``: continue the count from there."""
        self.n_averaged.fill_(step + 1)
