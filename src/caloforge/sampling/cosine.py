"""The cosine noise schedule (Nichol & Dhariwal, arXiv:2102.09672) in continuous time.

Variance-preserving diffusion ``x_t = alpha(t) x0 + s(t) eps`` with ``alpha^2 = abar(t)``,
``abar(t) = f(t) / f(0)``, ``f(t) = cos^2(pi/2 (t + offset) / (1 + offset))``. Samplers work in
the equivalent variance-exploding form ``x = x0 + sigma eps`` with ``sigma = s / alpha``
(Karras et al., arXiv:2206.00364, section 4), so the two maps below are all they need.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

OFFSET = 0.008


def _f(t: Tensor) -> Tensor:
    return torch.cos(0.5 * math.pi * (t + OFFSET) / (1 + OFFSET)) ** 2


def sigma_of_t(t: Tensor) -> Tensor:
    """VE noise level sigma(t) = sqrt(1 / abar(t) - 1), for t in [0, 1)."""
    abar = _f(t) / _f(torch.zeros_like(t))
    return torch.sqrt((1.0 / abar.clamp_min(1e-12) - 1.0).clamp_min(0.0))


def t_of_sigma(sigma: Tensor) -> Tensor:
    """Inverse of ``sigma_of_t``."""
    abar = 1.0 / (1.0 + sigma**2)
    f0 = math.cos(0.5 * math.pi * OFFSET / (1 + OFFSET)) ** 2
    return (1 + OFFSET) * (2 / math.pi) * torch.arccos(torch.sqrt(abar * f0)) - OFFSET
