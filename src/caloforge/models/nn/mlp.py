"""Residual MLP with FiLM conditioning: the workhorse network of every family.

A shower of a few hundred to a few thousand features, conditioned on a short vector (incident
energy, particle, noise level). Blocks are ``x + W2 act(W1 norm(x) * (1 + scale) + shift)`` with
(scale, shift) computed from the condition (FiLM, arXiv:1709.07871).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


class FourierEmbedding(nn.Module):
    """Scalar (N,) -> (N, dim) random Fourier features (fixed), as in NCSN++ / EDM."""

    def __init__(self, dim: int, scale: float = 16.0) -> None:
        super().__init__()
        self.register_buffer("freqs", torch.randn(dim // 2, generator=torch.Generator().manual_seed(0)) * scale)

    def forward(self, t: Tensor) -> Tensor:
        angles = 2 * math.pi * t.reshape(-1, 1) * self.freqs
        return torch.cat([angles.cos(), angles.sin()], dim=1)


class ResBlock(nn.Module):
    def __init__(self, width: int, cond_width: int, dropout: float) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.film = nn.Linear(cond_width, 2 * width)
        self.fc1, self.fc2 = nn.Linear(width, width), nn.Linear(width, width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor, c: Tensor) -> Tensor:
        scale, shift = self.film(c).chunk(2, dim=1)
        h = self.norm(x) * (1 + scale) + shift
        return x + self.fc2(self.drop(nn.functional.silu(self.fc1(h))))


class ResMLP(nn.Module):
    """(x (N, n_in), c (N, n_cond)) -> (N, n_out)."""

    def __init__(self, n_in: int, n_out: int, n_cond: int, width: int = 512, depth: int = 4,
                 cond_width: int = 128, dropout: float = 0.0) -> None:
        super().__init__()
        self.cond = nn.Sequential(nn.Linear(n_cond, cond_width), nn.SiLU(), nn.Linear(cond_width, cond_width),
                                  nn.SiLU())
        self.inp = nn.Linear(n_in, width)
        self.blocks = nn.ModuleList([ResBlock(width, cond_width, dropout) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, n_out)

    def forward(self, x: Tensor, c: Tensor) -> Tensor:
        c = self.cond(c)
        h = self.inp(x)
        for block in self.blocks:
            h = block(h, c)
        return self.out(nn.functional.silu(self.norm(h)))
