"""Diffusion samplers with one signature (k-diffusion style), so that they swap by config.

``sampler(model, x, sigmas, condition, callback=None, progress=False, noise=None) -> x0``

* ``model(x, sigma (N,), condition) -> denoised x0`` (VE scale, e.g. ``VPDenoiser``);
* ``x``: starting point, already scaled to ``sigmas[0]``;
* ``sigmas``: decreasing noise levels ending in 0 (a sequence of Python floats or a tensor);
* ``noise``: (N, len(sigmas) - 1, D) fresh Gaussian noise for stochastic samplers; passing it
  explicitly keeps the sampler free of random numbers (reproducible, ONNX-exportable);
* ``callback(step, x, denoised)`` after every step; ``progress`` shows a bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from caloforge.errors import InputError
from caloforge.progress import make_progress

Callback = Callable[[int, Tensor, Tensor], None] | None


def _steps(sigmas: Sequence[float] | Tensor, progress: bool) -> list[tuple[int, float, float]]:
    values = [float(s) for s in sigmas]
    return [(i, values[i], values[i + 1]) for i in range(len(values) - 1)]


def _run(steps: list[tuple[int, float, float]], progress: bool, body: Callable[[int, float, float], None]) -> None:
    if not progress:
        for i, s, s_next in steps:
            body(i, s, s_next)
        return
    with make_progress("step") as bar:
        task = bar.add_task("sampling", total=len(steps), status="")
        for i, s, s_next in steps:
            body(i, s, s_next)
            bar.update(task, advance=1)


def _sigma(x: Tensor, s: float) -> Tensor:
    return torch.full((x.shape[0],), s, dtype=x.dtype, device=x.device)


def sample_ddpm(model: Callable[..., Tensor], x: Tensor, sigmas: Sequence[float] | Tensor, condition: Tensor,
                callback: Callback = None, progress: bool = False, noise: Tensor | None = None) -> Tensor:
    """DDPM ancestral sampling (Ho et al., arXiv:2006.11239, Alg. 2) in VE form.

    Each step goes deterministically to sigma_down and adds fresh noise of size sigma_up with
    sigma_up^2 = s_next^2 (s^2 - s_next^2) / s^2, which is the DDPM posterior (DDIM with eta = 1).
    """
    state = {"x": x}

    def step(i: int, s: float, s_next: float) -> None:
        x = state["x"]
        denoised = model(x, _sigma(x, s), condition)
        up = math.sqrt(s_next**2 * (s**2 - s_next**2) / s**2)
        down = math.sqrt(s_next**2 - up**2)
        x = denoised + (x - denoised) * (down / s)
        if s_next > 0:
            x = x + up * (noise[:, i] if noise is not None else torch.randn_like(x))
        state["x"] = x
        if callback is not None:
            callback(i, x, denoised)

    _run(_steps(sigmas, progress), progress, step)
    return state["x"]


def sample_ddim(model: Callable[..., Tensor], x: Tensor, sigmas: Sequence[float] | Tensor, condition: Tensor,
                callback: Callback = None, progress: bool = False, noise: Tensor | None = None) -> Tensor:
    """Deterministic DDIM (Song et al., arXiv:2010.02502, eta = 0) = Euler steps in sigma."""
    state = {"x": x}

    def step(i: int, s: float, s_next: float) -> None:
        x = state["x"]
        denoised = model(x, _sigma(x, s), condition)
        state["x"] = denoised + (x - denoised) * (s_next / s)
        if callback is not None:
            callback(i, state["x"], denoised)

    _run(_steps(sigmas, progress), progress, step)
    return state["x"]


def sample_heun(model: Callable[..., Tensor], x: Tensor, sigmas: Sequence[float] | Tensor, condition: Tensor,
                callback: Callback = None, progress: bool = False, noise: Tensor | None = None) -> Tensor:
    """Deterministic 2nd-order Heun sampler (Karras et al., arXiv:2206.00364, Alg. 1).

    2 n - 1 network evaluations for n steps (the last step is Euler).
    """
    state = {"x": x}

    def step(i: int, s: float, s_next: float) -> None:
        x = state["x"]
        denoised = model(x, _sigma(x, s), condition)
        d = (x - denoised) / s
        x_next = x + d * (s_next - s)
        if s_next > 0:
            d_next = (x_next - model(x_next, _sigma(x, s_next), condition)) / s_next
            x_next = x + 0.5 * (d + d_next) * (s_next - s)
        state["x"] = x_next
        if callback is not None:
            callback(i, x_next, denoised)

    _run(_steps(sigmas, progress), progress, step)
    return state["x"]


SAMPLERS = {"ddpm": sample_ddpm, "ddim": sample_ddim, "heun": sample_heun}
STOCHASTIC = {"ddpm"}
DEFAULT_SCHEDULE = {"ddpm": "cosine", "ddim": "cosine", "heun": "karras"}


def get_sampler(name: str) -> Callable[..., Tensor]:
    if name not in SAMPLERS:
        raise InputError(f"unknown sampler {name!r} (known: {', '.join(SAMPLERS)})")
    return SAMPLERS[name]
