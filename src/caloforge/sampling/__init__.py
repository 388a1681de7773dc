"""Diffusion samplers (one signature) and their noise schedules."""

from caloforge.sampling.samplers import (
    DEFAULT_SCHEDULE,
    SAMPLERS,
    STOCHASTIC,
    get_sampler,
    sample_ddim,
    sample_ddpm,
    sample_heun,
)
from caloforge.sampling.schedules import SCHEDULES, cosine_sigmas, get_sigmas, karras_sigmas

__all__ = ["DEFAULT_SCHEDULE", "SAMPLERS", "SCHEDULES", "STOCHASTIC", "cosine_sigmas", "get_sampler", "get_sigmas",
           "karras_sigmas", "sample_ddim", "sample_ddpm", "sample_heun"]
