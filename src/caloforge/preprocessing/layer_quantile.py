"""Gaussianisation of voxel fractions per bin of their own layer's energy.

``EnergyQuantileGauss`` conditions every map on the incident energy. How a layer's energy is
shared among its voxels depends more on the energy the layer actually received: a photon that
converts late leaves a few hundred MeV in the first layers, spread by a handful of particles,
whatever its incident energy; a layer near the shower maximum is dense and narrow. Here the
layer features keep the incident-energy bins, and each voxel fraction uses the map of its
layer's bin of log E_layer (equal-population bins per layer). On the way back the layer
features are decoded first, which fixes every voxel's bin, so the map stays exactly invertible
and exports to ONNX (comparisons and gathers).
"""

from __future__ import annotations

import torch
from torch import Tensor

from caloforge.preprocessing.energy_quantile import EnergyQuantileGauss
from caloforge.preprocessing.marginal import MarginalMap, interpolate_knots, required_energies
from caloforge.preprocessing.transforms import (
    binned_knot_positions,
    column_quantiles,
    normal_to_positions,
    positions_to_normal,
)


def _masked_quantiles(x: Tensor, mask: Tensor, n_knots: int) -> Tensor:
    """(F, K) quantiles of each column of x (N, F) over the rows where ``mask``; NaN where none."""
    q = torch.linspace(0.0, 1.0, n_knots, dtype=torch.float64)
    filled = torch.where(mask, x, torch.full_like(x, float("nan"))).double()
    step = max(1, (1 << 24) // max(len(x), 1))  # torch's quantile refuses inputs over 2**24 elements
    return torch.cat([torch.nanquantile(filled[:, i:i + step], q, dim=0).T for i in range(0, x.shape[1], step)])


class LayerQuantileGauss(MarginalMap):
    """Features [L layer | V voxel] -> N(0, 1): layers binned by E_inc, voxels by their E_layer."""

    def __init__(self, n_layers: int, n_voxels: int, n_knots: int = 256, n_bins: int = 8) -> None:
        super().__init__()
        self.n_layers, self.n_knots, self.n_bins = int(n_layers), int(n_knots), int(n_bins)
        self.layers = EnergyQuantileGauss(self.n_layers, n_knots, n_bins)
        self.register_buffer("layer_of_voxel", torch.zeros(n_voxels, dtype=torch.long))  # set by fit
        self.register_buffer("knots", torch.linspace(-1.0, 1.0, self.n_knots).repeat(n_bins, n_voxels, 1))
        self.register_buffer("edges", torch.zeros(self.n_layers, n_bins - 1))  # per layer, log E_layer (MeV)
        self.register_buffer("tail", torch.tensor(1e-4))

    def _log_layer_energy(self, raw_layer: Tensor, energies: Tensor) -> Tensor:
        """log E_layer (N, L) in MeV (up to the eps) from the raw features log(E_layer / E_inc + eps)."""
        return raw_layer + torch.log(energies.reshape(-1, 1)).to(raw_layer.dtype)

    def voxel_bins(self, raw_layer: Tensor, energies: Tensor) -> Tensor:
        """Bin (N, V) of every voxel: edges of its layer below the layer's log energy."""
        log_e = self._log_layer_energy(raw_layer, energies)
        layer_bins = (log_e.unsqueeze(-1) > self.edges.unsqueeze(0)).sum(dim=-1)  # (N, L)
        return layer_bins.index_select(1, self.layer_of_voxel)

    def fit(self, x: Tensor, energies: Tensor | None = None, layer_of_voxel: Tensor | None = None) -> None:
        """x (N, L + V) raw features, energies (N,) MeV, layer_of_voxel (V,) layer index of each voxel."""
        if energies is None or layer_of_voxel is None:
            raise ValueError("LayerQuantileGauss needs the incident energies and each voxel's layer")
        n_layers = self.n_layers
        self.layer_of_voxel.copy_(layer_of_voxel)
        self.layers.fit(x[:, :n_layers], energies)
        log_e = self._log_layer_energy(x[:, :n_layers], energies).double()
        q = torch.linspace(0.0, 1.0, self.n_bins + 1, dtype=torch.float64)[1:-1]
        self.edges.copy_(torch.quantile(log_e, q, dim=0).T.float())
        bins, voxels = self.voxel_bins(x[:, :n_layers], energies), x[:, n_layers:]
        smallest = len(x)
        # a voxel whose layer never falls in bin b keeps the map of all showers (computed once)
        fallback = column_quantiles(voxels, self.n_knots).double()
        for b in range(self.n_bins):
            mask = bins == b
            counts = mask.sum(0)
            smallest = min(smallest, int(counts[counts > 0].min()) if (counts > 0).any() else smallest)
            knots = _masked_quantiles(voxels, mask, self.n_knots)
            knots = torch.where(torch.isnan(knots), fallback, knots)
            self.knots[b].copy_(torch.cummax(knots, dim=1).values.float())
        self.tail.fill_(0.5 / max(smallest, 1))

    def forward(self, x: Tensor, energies: Tensor | None = None,
                generator: torch.Generator | None = None) -> Tensor:
        energies = required_energies(energies)
        n_layers = self.n_layers
        bins = self.voxel_bins(x[:, :n_layers], energies).T  # (V, N)
        values = x[:, n_layers:].T.contiguous().to(self.knots.dtype)
        positions = binned_knot_positions(self.knots, bins, values, generator)
        voxels = positions_to_normal(positions, self.n_knots, float(self.tail)).T
        return torch.cat([self.layers(x[:, :n_layers], energies, generator), voxels], dim=1)

    def inverse(self, z: Tensor, energies: Tensor | None = None) -> Tensor:
        energies = required_energies(energies)
        n_layers = self.n_layers
        raw_layer = self.layers.inverse(z[:, :n_layers], energies)
        zv = z[:, n_layers:]
        j, frac = normal_to_positions(zv, self.n_knots, self.tail)
        feature = torch.arange(zv.shape[1], device=z.device).reshape(1, -1)
        row = (self.voxel_bins(raw_layer, energies) * zv.shape[1] + feature) * self.n_knots
        return torch.cat([raw_layer, interpolate_knots(self.knots, row, j, frac)], dim=1)
