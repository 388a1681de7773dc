"""Small invertible maps on tensors, the bricks of shower preprocessing.

Each brick is an ``nn.Module`` whose fitted state lives in buffers, so it is saved with the
model's ``state_dict`` and exported with the sampler (ONNX) without extra code.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from caloforge.preprocessing.marginal import MarginalMap, interpolate_knots


class Logit(nn.Module):
    """``y = logit(alpha + (1 - 2 alpha) x)`` for fractions x in [0, 1].

    ``alpha`` (~1e-6) clips the logit so that empty voxels map to a finite value,
    logit(alpha) ≈ -13.8 (as in CaloFlow, arXiv:2106.05285). The inverse clamps to [0, 1], so
    values generated below logit(alpha) become exactly zero.
    """

    def __init__(self, alpha: float = 1e-6) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Tensor) -> Tensor:
        x = self.alpha + (1.0 - 2.0 * self.alpha) * x.clamp(0.0, 1.0)
        return torch.log(x) - torch.log1p(-x)

    def inverse(self, y: Tensor) -> Tensor:
        return ((torch.sigmoid(y) - self.alpha) / (1.0 - 2.0 * self.alpha)).clamp(0.0, 1.0)


class Log(nn.Module):
    """``y = log(x + eps)`` for non-negative x; the inverse clamps at 0."""

    def __init__(self, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = float(eps)

    def forward(self, x: Tensor) -> Tensor:
        return torch.log(x.clamp_min(0.0) + self.eps)

    def inverse(self, y: Tensor) -> Tensor:
        return (torch.exp(y) - self.eps).clamp_min(0.0)


class Standardize(MarginalMap):
    """Per-feature ``(x - mean) / std`` with mean and std fitted on the training set."""

    def __init__(self, n_features: int, min_std: float = 1e-3) -> None:
        super().__init__()
        self.min_std = float(min_std)
        self.register_buffer("mean", torch.zeros(n_features))
        self.register_buffer("std", torch.ones(n_features))

    def fit(self, x: Tensor, energies: Tensor | None = None, layer_of_voxel: Tensor | None = None) -> None:
        self.mean.copy_(x.mean(0))
        self.std.copy_(x.std(0).clamp_min(self.min_std))

    def forward(self, x: Tensor, energies: Tensor | None = None,
                generator: torch.Generator | None = None) -> Tensor:
        return (x - self.mean) / self.std

    def inverse(self, y: Tensor, energies: Tensor | None = None) -> Tensor:
        return y * self.std + self.mean


class LogEnergy(nn.Module):
    """Incident energy (MeV) to ``log E`` scaled to [-1, 1] over the training range."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("log_min", torch.tensor(0.0))
        self.register_buffer("log_max", torch.tensor(1.0))

    def fit(self, energies: Tensor) -> None:
        low, high = torch.log(energies.min()), torch.log(energies.max())
        if high - low < 1e-6:  # one fixed energy: keep the map defined
            low, high = low - 0.5, high + 0.5
        self.log_min.copy_(low)
        self.log_max.copy_(high)

    def forward(self, energies: Tensor) -> Tensor:
        return 2.0 * (torch.log(energies) - self.log_min) / (self.log_max - self.log_min) - 1.0


class QuantileGauss(MarginalMap):
    """Per-feature map to a standard normal through the empirical CDF (Gaussianisation).

    Why: a voxel is "empty" in most showers and "hit" in the rest, so in logit space its
    distribution is two separated bumps; smooth generators (flows, diffusion) put mass into the
    gap, which after the threshold shifts the hit multiplicity and the lateral tails. Mapping
    every feature through its own CDF closes the gap (the empty band maps to z < z0, hits to
    z > z0, with no room between) and makes each marginal N(0, 1), so the network only has to
    learn the dependence between features (a Gaussian-copula view, as sklearn's
    ``QuantileTransformer(output_distribution="normal")``).

    The CDF is piecewise linear between ``n_knots`` quantiles of the training set, stored in a
    buffer. The inverse is written with ``erf`` and a gather so that it exports to ONNX.
    Values tied on one quantile (e.g. a layer whose energy sits in one voxel, fraction exactly 1)
    are spread uniformly over their probability range when a generator is given.
    """

    def __init__(self, n_features: int, n_knots: int = 512) -> None:
        super().__init__()
        self.n_knots = int(n_knots)
        self.register_buffer("knots", torch.linspace(-1.0, 1.0, self.n_knots).repeat(n_features, 1))
        # probabilities are squeezed linearly into [tail, 1 - tail], tail = 1 / (2 N_train): the
        # training extremes map to the plotting positions of ranks 1/2 and N - 1/2, not to
        # +-infinity, and the map stays exactly invertible up to them
        self.register_buffer("tail", torch.tensor(1e-4))

    def fit(self, x: Tensor, energies: Tensor | None = None, layer_of_voxel: Tensor | None = None) -> None:
        self.knots.copy_(column_quantiles(x, self.n_knots))
        self.tail.fill_(0.5 / max(len(x), 1))

    def forward(self, x: Tensor, energies: Tensor | None = None,
                generator: torch.Generator | None = None) -> Tensor:
        t = knot_positions(self.knots, x.T.contiguous().to(self.knots.dtype), generator)  # (F, N)
        return positions_to_normal(t, self.n_knots, float(self.tail)).T.contiguous()

    def inverse(self, z: Tensor, energies: Tensor | None = None) -> Tensor:
        j, frac = normal_to_positions(z, self.n_knots, self.tail)
        row = torch.arange(z.shape[1], device=z.device).reshape(1, -1) * self.n_knots
        return interpolate_knots(self.knots, row, j, frac)


def column_quantiles(x: Tensor, n_knots: int) -> Tensor:
    """(F, K) quantiles at K equally spaced probabilities of each column of x (N, F)."""
    q = torch.linspace(0.0, 1.0, n_knots, dtype=torch.float64)
    # torch.quantile refuses inputs over 2**24 elements: work on column blocks
    if len(x) > 1 << 24:
        x = x[torch.randperm(len(x), generator=torch.Generator().manual_seed(0))[: 1 << 24]]
    step = max(1, (1 << 24) // max(len(x), 1))
    knots = torch.cat([torch.quantile(x[:, i:i + step].double(), q, dim=0).T for i in range(0, x.shape[1], step)])
    return torch.cummax(knots, dim=1).values.float()


def _positions(values: Tensor, lo: Tensor, hi: Tensor, left: Tensor, right: Tensor, k: int,
               generator: torch.Generator | None) -> Tensor:
    """Fractional knot index from the search results: linear between the neighbouring knots, and
    uniform over the range of a tie (random with a ``generator``, the middle without)."""
    t = (lo - 1).to(values.dtype) + ((values - left) / (right - left).clamp_min(1e-12)).clamp(0.0, 1.0)
    if generator is not None:
        u = torch.rand(values.shape, generator=generator).to(device=values.device, dtype=values.dtype)
    else:
        u = torch.full_like(values, 0.5)
    tied = hi > lo + 1
    return torch.where(tied, lo.to(values.dtype) + u * (hi - 1 - lo).to(values.dtype), t).clamp(0.0, k - 1.0)


def knot_positions(knots: Tensor, values: Tensor, generator: torch.Generator | None) -> Tensor:
    """Fractional knot index t in [0, K-1] of ``values`` (M, N) under the rows of ``knots`` (M, K).

    A value equal to several knots (a tie) gets a uniform position over their range (random with
    a ``generator``, the middle without)."""
    k = knots.shape[1]
    lo = torch.searchsorted(knots, values, right=False)
    hi = torch.searchsorted(knots, values, right=True)
    left = knots.gather(1, (lo - 1).clamp(0, k - 1))
    right = knots.gather(1, lo.clamp(0, k - 1))
    return _positions(values, lo, hi, left, right, k, generator)


def binned_knot_positions(knots: Tensor, bins: Tensor, values: Tensor, generator: torch.Generator | None) -> Tensor:
    """``knot_positions`` where value (m, n) uses the knot row ``knots[bins[m, n], m]`` of (B, M, K).

    One search instead of one per bin: each feature's B rows are laid end to end in float64,
    bin b shifted by b times (span + 1), so the combined row stays sorted and a value shifted
    like its bin only meets its own bin's knots.
    """
    n_bins, n_rows, k = knots.shape
    shift = (float(knots.max() - knots.min()) + 1.0) * torch.arange(n_bins, dtype=torch.float64,
                                                                     device=knots.device)
    table = (knots.double() + shift.view(-1, 1, 1)).permute(1, 0, 2).reshape(n_rows, n_bins * k)
    offset, base = shift[bins], bins * k
    shifted = values.double() + offset
    lo = torch.searchsorted(table, shifted, right=False) - base
    hi = torch.searchsorted(table, shifted, right=True) - base
    left = table.gather(1, base + (lo - 1).clamp(0, k - 1)) - offset
    right = table.gather(1, base + lo.clamp(0, k - 1)) - offset
    return _positions(values.double(), lo, hi, left, right, k, generator).to(values.dtype)


def positions_to_normal(t: Tensor, n_knots: int, tail: float) -> Tensor:
    """Knot positions -> N(0, 1) values; probabilities squeezed into [tail, 1 - tail]."""
    q = tail + (1.0 - 2.0 * tail) * t / (n_knots - 1)
    return torch.special.ndtri(q.double()).float()


def normal_to_positions(z: Tensor, n_knots: int, tail: Tensor) -> tuple[Tensor, Tensor]:
    """N(0, 1) values -> (left knot index (long), fraction to the next knot); ONNX-exportable."""
    q = 0.5 * (1.0 + torch.erf(z / 2.0 ** 0.5))
    t = ((q - tail) / (1.0 - 2.0 * tail)).clamp(0.0, 1.0) * (n_knots - 1)
    j = torch.floor(t).clamp(0, n_knots - 2)
    return j.long(), (t - j).clamp(0.0, 1.0)
