"""Conditional variational autoencoder (Kingma & Welling, arXiv:1312.6114; β-VAE weighting,
Higgins et al. 2017), as used for showers by e.g. CaloVAE-type models.

Encoder q(z | x, c) and decoder p(x | z, c) are residual FiLM MLPs. The decoder is Gaussian with
unit variance in the standardised feature space, so the loss per feature is
``(0.5 |x - x̂|² + β KL(q || N(0, 1))) / n_features``. Sampling draws z from the prior N(0, 1) and
returns the decoder mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from caloforge.models.base import DataSpec, LatentBody, ShowerModel
from caloforge.models.nn import ResMLP
from caloforge.models.noise import randn
from caloforge.preprocessing import PreprocessConfig


@dataclass
class VAEConfig:
    """latent: size of z. beta: weight of the KL term. width/depth: both MLPs."""

    latent: int = 32
    beta: float = 1.0
    width: int = 512
    depth: int = 3
    cond_width: int = 64
    preprocessing: PreprocessConfig = field(default_factory=PreprocessConfig)


class VAEModel(ShowerModel):
    name = "vae"
    config_class = VAEConfig
    loss_unit = "nats per feature: negative ELBO (unit-variance Gaussian decoder), preprocessed features"

    def __init__(self, config: VAEConfig, spec: DataSpec) -> None:
        super().__init__(config, spec)
        self.encoder = ResMLP(self.n_features, 2 * config.latent, self.n_cond, config.width, config.depth,
                              config.cond_width)
        self.decoder = ResMLP(config.latent, self.n_features, self.n_cond, config.width, config.depth,
                              config.cond_width)

    def elbo_loss(self, x: Tensor, c: Tensor, eps: Tensor) -> Tensor:
        """Negative ELBO per feature, with reparametrisation noise ``eps`` (N, latent)."""
        mu, log_var = self.encoder(x, c).chunk(2, dim=1)
        log_var = log_var.clamp(-12.0, 8.0)
        z = mu + torch.exp(0.5 * log_var) * eps
        recon = 0.5 * ((self.decoder(z, c) - x) ** 2).sum(1)
        kl = 0.5 * (mu**2 + log_var.exp() - 1 - log_var).sum(1)
        return (recon + self.config.beta * kl).mean() / x.shape[1]

    def loss(self, x: Tensor, c: Tensor, generator: torch.Generator | None = None) -> Tensor:
        return self.elbo_loss(x, c, randn((x.shape[0], self.config.latent), x, generator))

    def body(self) -> nn.Module:
        """Sampling: z from the prior N(0, 1), the decoder mean."""
        return LatentBody(self.decoder, self.config.latent)
