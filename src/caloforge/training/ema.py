"""Exponential moving average of model weights (Polyak averaging), with a warm-up of the decay."""

from __future__ import annotations

import torch
from torch import nn


class EMA:
    """Shadow copy of a model's state_dict: parameters are averaged, buffers (preprocessing) copied."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.averaged = {name for name, _ in model.named_parameters()}

    def effective_decay(self, step: int) -> float:
        """min(decay, (1 + step) / (10 + step)): early weights are not remembered for long."""
        return min(self.decay, (1 + step) / (10 + step))

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        d = self.effective_decay(step)
        for key, value in model.state_dict().items():
            if key in self.averaged:
                self.shadow[key].mul_(d).add_(value.detach(), alpha=1 - d)
            else:
                self.shadow[key].copy_(value)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.shadow

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        for key, value in state.items():
            self.shadow[key].copy_(value)
