"""Conditional GAN (Goodfellow et al., arXiv:1406.2661; CaloGAN, arXiv:1712.10321) with an
optional Wasserstein-GP loss (Gulrajani et al., arXiv:1704.00028).

Losses with the condition p (incident energy, particle):

* ``bce``: D minimises -[log D(x, p) + log(1 - D(G(z, p), p))]; G minimises
  -log D(G(z, p), p) + λ mean((G(z, p) - x)²), where x is the real shower of the same batch
  row, i.e. at the same condition (λ = ``mse_weight``; 0 gives the plain GAN).
* ``wgan-gp``: critic f minimises f(G) - f(x) + gp_weight (|∇f(x̃)| - 1)²; G minimises -f(G) + λ mse.

Networks are convolutional on the (layers, cells) image (``network: conv``, or ``auto`` on a
readout whose layers are rows of cells such as ams-ecal's 18 x 72 strips, see
``models.nn.use_conv``), residual MLPs otherwise. Validation proxy for early stopping (a GAN loss does not
measure quality): the mean absolute difference of per-feature means and standard deviations
between generated and validation showers, in the standardised feature space.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.models.base import DataSpec, LatentBody, ShowerModel
from caloforge.models.nn import NETWORKS, ImageDecoder, ImageEncoder, ResMLP, use_conv
from caloforge.preprocessing import PreprocessConfig

LOSSES = ("bce", "wgan-gp")


@dataclass
class CGANConfig:
    """loss: "bce" | "wgan-gp". mse_weight: λ. network: "auto" (see ``models.nn.use_conv``), "conv",
    "mlp". lr_d_scale: discriminator lr = training lr x this. betas: Adam betas of both nets."""

    latent: int = 64
    loss: str = "bce"
    mse_weight: float = 0.0
    gp_weight: float = 10.0
    network: str = "auto"
    width: int = 256
    depth: int = 3
    channels: int = 8
    lr_d_scale: float = 1.0
    betas: tuple[float, ...] = (0.5, 0.9)
    preprocessing: PreprocessConfig = field(default_factory=PreprocessConfig)

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise InputError(f"cgan loss must be one of {LOSSES}, got {self.loss!r}")
        if self.network not in NETWORKS:
            raise InputError(f"cgan network must be one of {', '.join(NETWORKS)}, got {self.network!r}")


class CGANModel(ShowerModel):
    name = "cgan"
    config_class = CGANConfig
    loss_unit = ("loss_d and loss_g (no loss): nats (bce) or critic units (wgan-gp); val_loss: mean absolute "
                 "difference of feature means and standard deviations, preprocessed feature units")

    def __init__(self, config: CGANConfig, spec: DataSpec) -> None:
        super().__init__(config, spec)
        conv = use_conv(config.network, spec.image_shape, "cgan", spec.geometry)
        n_layer, cfg = self.preprocessor.n_layer_features, config
        if conv:
            self.generator = ImageDecoder(n_layer, spec.n_kept, spec.image_shape, self.n_cond, cfg.latent,
                                          cfg.channels, cfg.width)
            self.discriminator = ImageEncoder(n_layer, spec.n_kept, spec.image_shape, self.n_cond, 1,
                                              cfg.channels, cfg.width)
        else:
            self.generator = ResMLP(cfg.latent, self.n_features, self.n_cond, cfg.width, cfg.depth)
            self.discriminator = ResMLP(self.n_features, 1, self.n_cond, cfg.width, cfg.depth)

    def configure_optimizers(self, train: Any) -> list[torch.optim.Optimizer]:
        """[discriminator, generator] Adam optimisers."""
        betas = tuple(self.config.betas)
        return [torch.optim.Adam(self.discriminator.parameters(), lr=train.lr * self.config.lr_d_scale, betas=betas),
                torch.optim.Adam(self.generator.parameters(), lr=train.lr, betas=betas)]

    def _gradient_penalty(self, x: Tensor, fake: Tensor, c: Tensor) -> Tensor:
        mix = torch.rand(x.shape[0], 1, device=x.device)
        x_hat = (mix * x + (1 - mix) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.discriminator(x_hat, c).sum(), x_hat, create_graph=True)
        return ((grad.norm(dim=1) - 1) ** 2).mean()

    def discriminator_loss(self, x: Tensor, fake: Tensor, c: Tensor) -> Tensor:
        real_score, fake_score = self.discriminator(x, c), self.discriminator(fake, c)
        if self.config.loss == "bce":  # -log σ(real) - log(1 - σ(fake))
            return nn.functional.softplus(-real_score).mean() + nn.functional.softplus(fake_score).mean()
        return fake_score.mean() - real_score.mean() + self.config.gp_weight * self._gradient_penalty(x, fake, c)

    def generator_loss(self, x: Tensor, fake: Tensor, c: Tensor) -> Tensor:
        score = self.discriminator(fake, c)
        adv = nn.functional.softplus(-score).mean() if self.config.loss == "bce" else -score.mean()
        return adv + self.config.mse_weight * ((fake - x) ** 2).mean()

    def train_step(self, x: Tensor, c: Tensor, step: int, optimizers: list[torch.optim.Optimizer],
                   grad_clip: float = 1.0) -> dict[str, float]:
        opt_d, opt_g = optimizers
        fake = self.generator(torch.randn(x.shape[0], self.config.latent, device=x.device), c)
        opt_d.zero_grad(set_to_none=True)
        loss_d = self.discriminator_loss(x, fake.detach(), c)
        loss_d.backward()
        self._clip(self.discriminator, grad_clip)
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        loss_g = self.generator_loss(x, fake, c)
        loss_g.backward()
        self._clip(self.generator, grad_clip)
        opt_g.step()
        return {"loss_d": float(loss_d.detach()), "loss_g": float(loss_g.detach())}

    @staticmethod
    def _clip(net: nn.Module, grad_clip: float) -> None:
        if grad_clip > 0:
            nn.utils.clip_grad_norm_(net.parameters(), grad_clip)

    @torch.no_grad()
    def validation_loss(self, x: Tensor, c: Tensor, generator: torch.Generator) -> float:
        """Feature-moment distance (see the module docstring); lower is better. Overrides the
        base class: a GAN's losses say how the two networks balance, not how good showers are."""
        fake = self.generator(torch.randn(x.shape[0], self.config.latent, generator=generator).to(x.device), c)
        return float((fake.mean(0) - x.mean(0)).abs().mean() + (fake.std(0) - x.std(0)).abs().mean())

    def body(self) -> nn.Module:
        return LatentBody(self.generator, self.config.latent)
