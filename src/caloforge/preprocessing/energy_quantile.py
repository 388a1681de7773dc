"""Gaussianisation per bin of incident energy.

``QuantileGauss`` makes each feature's marginal over the whole training set N(0, 1). What a
generator then still gets wrong is the marginal *at a given energy*: whether a lateral cell is
hit depends strongly on E_inc (ams-ecal flow: 214 instead of 248 hits at 20-100 GeV). Here the
quantiles are fitted separately in ``n_bins`` bins of equal population in log E_inc, and a
shower uses the map of its bin, so every feature is close to N(0, 1) at every energy and the
generator only has to learn the dependence between features and the small drift inside a bin.

Why bins and not an interpolation between them: interpolating the quantile functions of two
bins whose empty fractions differ puts mass between "empty" and "hit" (the gap the quantile map
exists to close), and interpolating the CDFs has no closed-form inverse for export. The price of
bins is a small step of the map at each bin edge.
"""

from __future__ import annotations

import torch
from torch import Tensor

from caloforge.preprocessing.marginal import MarginalMap, interpolate_knots, required_energies
from caloforge.preprocessing.transforms import (
    column_quantiles,
    knot_positions,
    normal_to_positions,
    positions_to_normal,
)


class EnergyQuantileGauss(MarginalMap):
    """Per-feature CDF map to N(0, 1), one map per bin of log E_inc (equal-population bins)."""

    def __init__(self, n_features: int, n_knots: int = 256, n_bins: int = 8) -> None:
        super().__init__()
        if n_bins < 2:
            raise ValueError("EnergyQuantileGauss needs at least 2 energy bins")
        self.n_knots, self.n_bins = int(n_knots), int(n_bins)
        self.register_buffer("knots", torch.linspace(-1.0, 1.0, self.n_knots).repeat(n_bins, n_features, 1))
        self.register_buffer("edges", torch.linspace(0.0, 1.0, n_bins - 1))  # inner bin edges, log E (MeV)
        self.register_buffer("tail", torch.tensor(1e-4))

    def fit(self, x: Tensor, energies: Tensor | None = None, layer_of_voxel: Tensor | None = None) -> None:
        energies = required_energies(energies)
        log_e = torch.log(energies.double().reshape(-1))
        bins = torch.tensor_split(torch.argsort(log_e), self.n_bins)
        self.knots.copy_(torch.stack([column_quantiles(x[b], self.n_knots) for b in bins]))
        edges = [0.5 * (log_e[a].max() + log_e[b].min()) for a, b in zip(bins[:-1], bins[1:], strict=True)]
        self.edges.copy_(torch.stack(edges).float())
        self.tail.fill_(0.5 / max(min(len(b) for b in bins), 1))

    def bin_of(self, energies: Tensor) -> Tensor:
        """Bin index (N,) of each energy: a count of edges below it (exports to ONNX)."""
        log_e = torch.log(energies.reshape(-1, 1)).to(self.edges.dtype)
        return (log_e > self.edges.reshape(1, -1)).sum(dim=1)

    def forward(self, x: Tensor, energies: Tensor | None = None,
                generator: torch.Generator | None = None) -> Tensor:
        bins, out = self.bin_of(required_energies(energies)), torch.empty_like(x)
        for b in range(self.n_bins):
            rows = torch.nonzero(bins == b).reshape(-1)
            if rows.numel():
                t = knot_positions(self.knots[b], x[rows].T.contiguous().to(self.knots.dtype), generator)
                out[rows] = positions_to_normal(t, self.n_knots, float(self.tail)).T
        return out

    def inverse(self, z: Tensor, energies: Tensor | None = None) -> Tensor:
        j, frac = normal_to_positions(z, self.n_knots, self.tail)
        feature = torch.arange(z.shape[1], device=z.device).reshape(1, -1)
        row = (self.bin_of(required_energies(energies)).reshape(-1, 1) * z.shape[1] + feature) * self.n_knots
        return interpolate_knots(self.knots, row, j, frac)

