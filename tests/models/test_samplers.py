"""Samplers and objective against an analytic case: Gaussian data has an exact denoiser."""

from __future__ import annotations

import pytest
import torch

from caloforge.models.diffusion import VPDenoiser
from caloforge.sampling import SAMPLERS, STOCHASTIC, get_sigmas
from caloforge.sampling.cosine import sigma_of_t, t_of_sigma

MU, STD = 1.5, 0.5


def exact_denoiser(x: torch.Tensor, sigma: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """E[x0 | x] for x0 ~ N(MU, STD^2), x = x0 + sigma * eps."""
    s2 = sigma.reshape(-1, 1) ** 2
    return (STD**2 * x + s2 * MU) / (STD**2 + s2)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_samplers_reach_the_data_distribution(name: str) -> None:
    gen = torch.Generator().manual_seed(0)
    steps = 200 if name in STOCHASTIC else 40
    sigmas = get_sigmas("cosine" if name != "heun" else "karras", steps, 0.002, 80.0)
    x = torch.randn(4000, 2, generator=gen) * float(sigmas[0])
    noise = torch.randn(4000, steps, 2, generator=gen) if name in STOCHASTIC else None
    seen = []
    out = SAMPLERS[name](exact_denoiser, x, sigmas, torch.zeros(4000, 1), callback=lambda i, *_: seen.append(i),
                         noise=noise)
    assert seen == list(range(steps))
    assert float(out.mean()) == pytest.approx(MU, abs=0.03)
    assert float(out.std()) == pytest.approx(STD, rel=0.05)


def test_cosine_schedule_inverts() -> None:
    t = torch.linspace(0.01, 0.99, 50, dtype=torch.float64)
    torch.testing.assert_close(t_of_sigma(sigma_of_t(t)), t)
    sigmas = get_sigmas("cosine", 10, 0.002, 80.0)
    assert sigmas[0] == pytest.approx(80.0) and sigmas[-2] == pytest.approx(0.002) and sigmas[-1] == 0
    assert (sigmas[1:] < sigmas[:-1]).all()


@pytest.mark.parametrize("prediction", ["eps", "v"])
def test_preconditioning_recovers_x0_from_the_ideal_network(prediction: str) -> None:
    """A network that outputs the exact eps / v target makes D(x, sigma) return x0."""
    x0, eps, sigma = torch.randn(8, 3), torch.randn(8, 3), torch.full((8,), 2.5)

    class Oracle(torch.nn.Module):
        def forward(self, x_vp: torch.Tensor, t: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
            alpha = 1 / (1 + sigma.reshape(-1, 1) ** 2) ** 0.5
            s = sigma.reshape(-1, 1) * alpha
            return eps if prediction == "eps" else alpha * eps - s * x0

    denoiser = VPDenoiser(Oracle(), prediction)
    torch.testing.assert_close(denoiser(x0 + sigma.reshape(-1, 1) * eps, sigma, torch.zeros(8, 1)), x0)
