"""Small invertible maps on tensors, the bricks of shower preprocessing.

Each brick is an ``nn.Module`` whose fitted state lives in buffers, so it is saved with the
model's ``state_dict`` and exported with the sampler (ONNX) without extra code.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class Logit(nn.Module):
    """``y = logit(alpha + (1 - 2 alpha) x)`` for fractions x in [0, 1].

    ``alpha`` (~1e-6) clips the logit so that empty voxels map to a finite value,
    logit(alpha) ≈ -13.8 (as in CaloFlow, arXiv:2106.05285). The inverse clamps to [0, 1], so
    values generated below logit(alpha) become exactly zero.
    """

    def __init__(self, alpha: float = 1e-6) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Tensor) -> Tensor:
        x = self.alpha + (1.0 - 2.0 * self.alpha) * x.clamp(0.0, 1.0)
        return torch.log(x) - torch.log1p(-x)

    def inverse(self, y: Tensor) -> Tensor:
        return ((torch.sigmoid(y) - self.alpha) / (1.0 - 2.0 * self.alpha)).clamp(0.0, 1.0)


class Log(nn.Module):
    """``y = log(x + eps)`` for non-negative x; the inverse clamps at 0."""

    def __init__(self, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = float(eps)

    def forward(self, x: Tensor) -> Tensor:
        return torch.log(x.clamp_min(0.0) + self.eps)

    def inverse(self, y: Tensor) -> Tensor:
        return (torch.exp(y) - self.eps).clamp_min(0.0)


class Standardize(nn.Module):
    """Per-feature ``(x - mean) / std`` with mean and std fitted on the training set."""

    def __init__(self, n_features: int, min_std: float = 1e-3) -> None:
        super().__init__()
        self.min_std = float(min_std)
        self.register_buffer("mean", torch.zeros(n_features))
        self.register_buffer("std", torch.ones(n_features))

    def fit(self, x: Tensor) -> None:
        self.mean.copy_(x.mean(0))
        self.std.copy_(x.std(0).clamp_min(self.min_std))

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / self.std

    def inverse(self, y: Tensor) -> Tensor:
        return y * self.std + self.mean


class LogEnergy(nn.Module):
    """Incident energy (MeV) to ``log E`` scaled to [-1, 1] over the training range."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("log_min", torch.tensor(0.0))
        self.register_buffer("log_max", torch.tensor(1.0))

    def fit(self, energies: Tensor) -> None:
        low, high = torch.log(energies.min()), torch.log(energies.max())
        if high - low < 1e-6:  # one fixed energy: keep the map defined
            low, high = low - 0.5, high + 0.5
        self.log_min.copy_(low)
        self.log_max.copy_(high)

    def forward(self, energies: Tensor) -> Tensor:
        return 2.0 * (torch.log(energies) - self.log_min) / (self.log_max - self.log_min) - 1.0
