"""Noise-level sequences sigma_0 > ... > sigma_{n-1} > 0 = sigma_n for the samplers (VE scale)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from caloforge.errors import InputError
from caloforge.sampling.cosine import sigma_of_t, t_of_sigma


def _append_zero(sigmas: Tensor) -> Tensor:
    return torch.cat([sigmas, sigmas.new_zeros(1)])


def cosine_sigmas(steps: int, sigma_min: float, sigma_max: float) -> Tensor:
    """Uniform steps in cosine-schedule time t between t(sigma_max) and t(sigma_min) (DDPM/DDIM)."""
    t_max, t_min = (t_of_sigma(torch.tensor(s, dtype=torch.float64)) for s in (sigma_max, sigma_min))
    return _append_zero(sigma_of_t(torch.linspace(float(t_max), float(t_min), steps, dtype=torch.float64)))


def karras_sigmas(steps: int, sigma_min: float, sigma_max: float, rho: float = 7.0) -> Tensor:
    """EDM's schedule (Karras et al., arXiv:2206.00364, eq. 5), dense at low noise."""
    ramp = torch.linspace(0, 1, steps, dtype=torch.float64)
    inv = sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))
    return _append_zero(inv**rho)


SCHEDULES: dict[str, Callable[[int, float, float], Tensor]] = {"cosine": cosine_sigmas, "karras": karras_sigmas}


def get_sigmas(name: str, steps: int, sigma_min: float, sigma_max: float) -> Tensor:
    if name not in SCHEDULES:
        raise InputError(f"unknown schedule {name!r} (known: {', '.join(SCHEDULES)})")
    if steps < 1:
        raise InputError("the number of sampling steps must be at least 1")
    return SCHEDULES[name](steps, sigma_min, sigma_max)
