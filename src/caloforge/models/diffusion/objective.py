"""Training objectives and preconditioning: how a plain denoiser network becomes D(x; sigma).

``VPDenoiser`` wraps any ``net(x, noise_level, c)`` (see ``caloforge.models.nn.denoiser``) into the
k-diffusion/EDM interface ``D(x, sigma, c) -> x0 estimate`` with x in VE scale
(``x = x0 + sigma * eps``), for cosine-schedule DDPM training with ε-prediction (Ho et al.,
arXiv:2006.11239) or v-prediction (Salimans & Ho, arXiv:2202.00512). Every sampler in
``caloforge.sampling`` drives ``D``; none knows which prediction was trained.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.models.noise import rand, randn
from caloforge.sampling.cosine import sigma_of_t, t_of_sigma

PREDICTIONS = ("eps", "v")


class VPDenoiser(nn.Module):
    """D(x, sigma, c) for a network trained to predict ε or v under the cosine schedule.

    With alpha = 1/sqrt(1 + sigma^2) and s = sigma alpha, the network sees the
    variance-preserving input ``x_vp = alpha x`` and noise level t(sigma) in [0, 1];
    ε-prediction gives x0 = (x_vp - s ε) / alpha, v-prediction x0 = alpha x_vp - s v.
    """

    def __init__(self, net: nn.Module, prediction: str = "v", sigma_min: float = 0.002,
                 sigma_max: float = 80.0) -> None:
        super().__init__()
        if prediction not in PREDICTIONS:
            raise InputError(f"diffusion prediction must be one of {PREDICTIONS}, got {prediction!r}")
        self.net, self.prediction = net, prediction
        self.sigma_min, self.sigma_max = float(sigma_min), float(sigma_max)

    def forward(self, x: Tensor, sigma: Tensor, c: Tensor) -> Tensor:
        sigma = sigma.reshape(-1, 1)
        alpha = 1.0 / torch.sqrt(1.0 + sigma**2)
        s = sigma * alpha
        out = self.net(x * alpha, t_of_sigma(sigma).reshape(-1), c)
        if self.prediction == "eps":
            return (x * alpha - s * out) / alpha
        return alpha * (x * alpha) - s * out

    def loss(self, x0: Tensor, c: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Mean squared error of the ε or v target at t ~ U[t(sigma_min), t(sigma_max)]; the
        noise from ``generator`` when given."""
        lo, hi = (float(t_of_sigma(torch.tensor(s))) for s in (self.sigma_min, self.sigma_max))
        t = lo + (hi - lo) * rand((x0.shape[0],), x0, generator)
        sigma = sigma_of_t(t).reshape(-1, 1)
        alpha = 1.0 / torch.sqrt(1.0 + sigma**2)
        s = sigma * alpha
        eps = randn(tuple(x0.shape), x0, generator)
        out = self.net(alpha * x0 + s * eps, t, c)
        target = eps if self.prediction == "eps" else alpha * eps - s * x0
        return ((out - target) ** 2).mean()
