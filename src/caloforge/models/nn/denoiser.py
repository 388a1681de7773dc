"""Denoiser networks: ``net(x, noise_level, c) -> same shape as x``.

They only see a noisy input, a scalar noise level per sample and the condition; what the output
means (ε, v, x0, F of EDM) is decided by the objective that wraps them
(``caloforge.models.diffusion.objective``), so one network serves DDPM, v-prediction or EDM
training without edits (principle 2 of STYLE.md, after NVlabs/edm).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from caloforge.models.nn.mlp import FourierEmbedding, ResMLP


class MLPDenoiser(nn.Module):
    """Residual FiLM MLP; the noise level enters as Fourier features next to the condition."""

    def __init__(self, n_features: int, n_cond: int, width: int = 512, depth: int = 4, emb_dim: int = 64,
                 cond_width: int = 128, dropout: float = 0.0) -> None:
        super().__init__()
        self.embed = FourierEmbedding(emb_dim)
        self.net = ResMLP(n_features, n_features, n_cond + emb_dim, width, depth, cond_width, dropout)

    def forward(self, x: Tensor, noise_level: Tensor, c: Tensor) -> Tensor:
        return self.net(x, torch.cat([c, self.embed(noise_level)], dim=1))
