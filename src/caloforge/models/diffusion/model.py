"""Conditional denoising diffusion for showers (the CaloDiffusion idea, arXiv:2308.03876, on
CaloForge's layer/voxel features): cosine-schedule DDPM training with ε- or v-prediction, and
DDPM ancestral, DDIM or Heun/EDM sampling with a selectable number of steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.models.base import DataSpec, ShowerModel
from caloforge.models.diffusion.objective import VPDenoiser
from caloforge.models.nn import ConvDenoiser, MLPDenoiser
from caloforge.preprocessing import PreprocessConfig
from caloforge.sampling import DEFAULT_SCHEDULE, STOCHASTIC, get_sampler, get_sigmas


@dataclass
class DiffusionConfig:
    """prediction: "eps" | "v". network: "mlp", "conv" (cells convolved, layers as channels; needs an
    image geometry) or "auto" (conv for strip readouts such as ams-ecal, mlp otherwise).
    width: MLP width; channels: conv channels (a multiple of 8); depth: residual blocks of either.
    sigma_min/max: VE
    noise range. sampler: "heun" | "ddim" | "ddpm" and steps: the defaults of ``sample``."""

    prediction: str = "v"
    network: str = "auto"
    width: int = 512
    channels: int = 64
    depth: int = 4
    emb_dim: int = 64
    cond_width: int = 128
    dropout: float = 0.0
    sigma_min: float = 0.002
    sigma_max: float = 80.0
    sampler: str = "heun"
    steps: int = 18
    preprocessing: PreprocessConfig = field(default_factory=PreprocessConfig)


class DiffusionBody(nn.Module):
    """noise (N, K, D) -> features: K = 1 (deterministic samplers) or 1 + steps (DDPM)."""

    def __init__(self, denoiser: VPDenoiser, sampler: str, sigmas: Tensor, n_features: int) -> None:
        super().__init__()
        self.denoiser, self.sampler_name = denoiser, sampler
        self.sampler = get_sampler(sampler)
        self.sigmas = [float(s) for s in sigmas]
        self.stochastic = sampler in STOCHASTIC
        self.noise_dims = (len(self.sigmas) if self.stochastic else 1, n_features)

    def forward(self, noise: Tensor, c: Tensor) -> Tensor:
        x = noise[:, 0] * self.sigmas[0]
        extra = noise[:, 1:] if self.stochastic else None
        return self.sampler(self.denoiser, x, self.sigmas, c, noise=extra)


class DiffusionModel(ShowerModel):
    name = "diffusion"
    config_class = DiffusionConfig

    def __init__(self, config: DiffusionConfig, spec: DataSpec) -> None:
        super().__init__(config, spec)
        self.denoiser = VPDenoiser(self._network(config, spec), config.prediction, config.sigma_min,
                                   config.sigma_max)

    def _network(self, config: DiffusionConfig, spec: DataSpec) -> nn.Module:
        if config.network not in ("auto", "mlp", "conv"):
            raise InputError(f"diffusion network must be auto, mlp or conv, got {config.network!r}")
        strips = bool(spec.image_shape) and spec.image_shape[1] == 1
        if config.network == "conv" and not spec.image_shape:
            raise InputError(f"geometry {spec.geometry} is not an image: use diffusion network mlp")
        if config.network == "conv" or (config.network == "auto" and strips):
            return ConvDenoiser(self.preprocessor.n_layer_features, spec.n_kept, spec.image_shape, self.n_cond,
                                config.channels, config.depth, config.emb_dim, config.cond_width)
        return MLPDenoiser(self.n_features, self.n_cond, config.width, config.depth, config.emb_dim,
                           config.cond_width, config.dropout)

    def fit_preprocessing(self, energies: np.ndarray, showers: np.ndarray, kept: np.ndarray | None = None) -> None:
        super().fit_preprocessing(energies, showers, kept)
        if isinstance(self.denoiser.net, ConvDenoiser):
            self.denoiser.net.set_layout(self.preprocessor.kept, self.preprocessor.gather)

    def loss(self, x: Tensor, c: Tensor) -> Tensor:
        return self.denoiser.loss(x, c)

    @torch.no_grad()
    def validation_loss(self, x: Tensor, c: Tensor, generator: torch.Generator) -> float:
        """The training loss with noise from ``generator`` (same noise at every validation)."""
        state = torch.get_rng_state()
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=generator)))
        try:
            return float(self.loss(x, c))
        finally:
            torch.set_rng_state(state)

    def body(self, sampler: str | None = None, steps: int | None = None, schedule: str | None = None,
             **options: Any) -> nn.Module:
        """Sampler body; defaults from the config. Extra options are rejected."""
        if options:
            raise InputError(f"diffusion sampling has no option(s) {', '.join(options)}")
        sampler = sampler or self.config.sampler
        get_sampler(sampler)
        schedule = schedule or DEFAULT_SCHEDULE[sampler]
        sigmas = get_sigmas(schedule, steps or self.config.steps, self.config.sigma_min, self.config.sigma_max)
        return DiffusionBody(self.denoiser, sampler, sigmas, self.n_features)
