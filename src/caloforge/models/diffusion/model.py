"""Conditional denoising diffusion for showers (the CaloDiffusion idea, arXiv:2308.03876, on
CaloForge's layer/voxel features): cosine-schedule DDPM training with ε- or v-prediction, and
DDPM ancestral, DDIM or Heun/EDM sampling with a selectable number of steps."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.models.base import DataSpec, ShowerModel
from caloforge.models.diffusion.objective import VPDenoiser
from caloforge.models.nn import NETWORKS, ConvDenoiser, MLPDenoiser, use_conv
from caloforge.preprocessing import PreprocessConfig
from caloforge.sampling import DEFAULT_SCHEDULE, STOCHASTIC, get_sampler, get_sigmas


@dataclass
class DiffusionConfig:
    """prediction: "eps" | "v". network: "mlp", "conv" (cells convolved, layers as channels; needs an
    image geometry) or "auto" (conv for readouts whose layers are rows of cells such as ams-ecal,
    mlp otherwise; ``models.nn.use_conv``).
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

    def __post_init__(self) -> None:
        if self.network not in NETWORKS:
            raise InputError(f"diffusion network must be one of {', '.join(NETWORKS)}, got {self.network!r}")


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
    sample_options = ("sampler", "steps", "schedule")
    loss_unit = "mean squared error of the network's target (eps or v), in preprocessed feature units squared"

    def __init__(self, config: DiffusionConfig, spec: DataSpec) -> None:
        super().__init__(config, spec)
        self.denoiser = VPDenoiser(self._network(config, spec), config.prediction, config.sigma_min,
                                   config.sigma_max)

    def _network(self, config: DiffusionConfig, spec: DataSpec) -> nn.Module:
        if use_conv(config.network, spec.image_shape, "diffusion", spec.geometry):
            return ConvDenoiser(self.preprocessor.n_layer_features, spec.n_kept, spec.image_shape, self.n_cond,
                                config.channels, config.depth, config.emb_dim, config.cond_width)
        return MLPDenoiser(self.n_features, self.n_cond, config.width, config.depth, config.emb_dim,
                           config.cond_width, config.dropout)

    def loss(self, x: Tensor, c: Tensor, generator: torch.Generator | None = None) -> Tensor:
        return self.denoiser.loss(x, c, generator)

    def body(self, sampler: str | None = None, steps: int | None = None, schedule: str | None = None) -> nn.Module:
        """Sampler body; defaults from the config."""
        sampler = sampler or self.config.sampler
        get_sampler(sampler)
        schedule = schedule or DEFAULT_SCHEDULE[sampler]
        sigmas = get_sigmas(schedule, steps or self.config.steps, self.config.sigma_min, self.config.sigma_max)
        return DiffusionBody(self.denoiser, sampler, sigmas, self.n_features)
