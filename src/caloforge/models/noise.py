"""Random numbers of training objectives, from a given generator or the global stream.

Training draws from torch's global stream, seeded and checkpointed by the trainer; validation
passes a ``torch.Generator`` so that every validation sees the same noise. One helper, so that
every family makes its loss deterministic the same way (``ShowerModel.validation_loss``).
Generator noise is drawn on the CPU and moved, so it is the same on every device.
"""

from __future__ import annotations

import torch
from torch import Tensor


def randn(shape: tuple[int, ...], like: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """Standard normal noise of ``shape`` on ``like``'s device and dtype."""
    if generator is None:
        return torch.randn(shape, device=like.device, dtype=like.dtype)
    return torch.randn(shape, generator=generator).to(device=like.device, dtype=like.dtype)


def rand(shape: tuple[int, ...], like: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """Uniform noise in [0, 1) of ``shape`` on ``like``'s device and dtype."""
    if generator is None:
        return torch.rand(shape, device=like.device, dtype=like.dtype)
    return torch.rand(shape, generator=generator).to(device=like.device, dtype=like.dtype)
