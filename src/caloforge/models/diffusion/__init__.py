"""Denoising diffusion: network in models/nn, objective here, samplers in caloforge.sampling."""

from caloforge.models.diffusion.model import DiffusionConfig, DiffusionModel
from caloforge.models.diffusion.objective import VPDenoiser

__all__ = ["DiffusionConfig", "DiffusionModel", "VPDenoiser"]
