"""The marginal maps: the last, per-feature step of the preprocessing, behind one interface.

Every map takes raw features (N, F) (logits of fractions, logs of layer energies) to features
whose marginals a generator finds easy, and back. Some depend on the incident energy (binned
quantile maps) or on the layer each voxel belongs to; all take the same arguments so that
``ShowerPreprocessor`` calls them without knowing which one it holds:

* ``fit(x, energies, layer_of_voxel)``: fit on training features, incident energies (N,) MeV
  and the layer index of each voxel feature (V,);
* ``forward(x, energies, generator=None)``: the map (``generator``: ties spread at random);
* ``inverse(z, energies)``: its exact inverse (ONNX-exportable).

Maps that ignore an argument accept it anyway.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class MarginalMap(nn.Module):
    """Interface of the marginal maps (see the module docstring); state lives in buffers."""

    def fit(self, x: Tensor, energies: Tensor | None = None, layer_of_voxel: Tensor | None = None) -> None:
        raise NotImplementedError  # pragma: no cover - abstract

    def forward(self, x: Tensor, energies: Tensor | None = None,
                generator: torch.Generator | None = None) -> Tensor:
        raise NotImplementedError  # pragma: no cover - abstract

    def inverse(self, z: Tensor, energies: Tensor | None = None) -> Tensor:
        raise NotImplementedError  # pragma: no cover - abstract


def required_energies(energies: Tensor | None) -> Tensor:
    """The incident energies an energy-binned map cannot do without."""
    if energies is None:
        raise ValueError("an energy-binned marginal map needs the incident energies")
    return energies


def interpolate_knots(knots: Tensor, row_offset: Tensor, j: Tensor, frac: Tensor) -> Tensor:
    """Piecewise-linear inverse CDF: ``k[j] + frac (k[j + 1] - k[j])`` where ``k`` is the knot
    row starting at flat index ``row_offset`` (broadcast to ``j``'s shape) of ``knots`` (any
    shape, last axis the knots). One gather on the flattened table, so that it exports to ONNX."""
    base = (row_offset + j).reshape(-1)
    flat = knots.reshape(-1)
    left = flat.index_select(0, base).reshape(j.shape)
    right = flat.index_select(0, base + 1).reshape(j.shape)
    return left + frac * (right - left)
