"""Per-layer transverse moments as extra features: where the shower sits, layer by layer.

The two-stage flow draws the layer energies first and then every voxel fraction given them.
Nothing in the layer energies says *where* in a layer the shower is, so the position that a
real shower carries from layer to layer (one axis, one impact point) has to be rebuilt by the
coupling layers from a thousand voxels; on ams-ecal they did not (10^4 showers a side: the
centres of gravity and the widths of the first and last layers were flagged, issue 18). Here
each layer's centre of gravity along its cells (and, with ``order=2``, its width) joins the
layer energies in the first stage, a small autoregressive flow that learns their joint law
easily; the voxels are then drawn given them, and the whitening regresses every voxel on them.
On the way back the moments are dropped: the voxels alone make the shower.

Moments are in cell units along the last image axis of readouts whose layers are single rows of
cells (``image_shape`` (L, 1, C): the strips of ams-ecal). A layer without energy has no centre:
it gets the middle of the row and width 0 (the quantile map spreads that tie with noise).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from caloforge.errors import InputError

MOMENT_ORDERS = (0, 1, 2)


def row_readout(image_shape: tuple[int, ...]) -> tuple[int, int]:
    """(layers, cells) of a readout whose layers are single rows of cells, or a clear error."""
    if len(image_shape) != 3 or int(image_shape[1]) != 1:
        raise InputError("preprocessing.layer_moments needs a readout whose layers are rows of cells "
                         f"(image shape (layers, 1, cells), as ams-ecal); this one has {tuple(image_shape) or 'none'}")
    return int(image_shape[0]), int(image_shape[2])


class LayerMoments(nn.Module):
    """Showers (N, L * C) MeV -> raw moments (N, order * L): centres of gravity, then widths."""

    def __init__(self, image_shape: tuple[int, ...], order: int) -> None:
        super().__init__()
        if order not in MOMENT_ORDERS[1:]:
            raise InputError(f"preprocessing.layer_moments must be one of {MOMENT_ORDERS}, got {order!r}")
        self.n_layers, self.n_cells = row_readout(image_shape)
        self.order = int(order)
        self.register_buffer("cell", torch.arange(self.n_cells, dtype=torch.float32))

    @property
    def n_features(self) -> int:
        return self.order * self.n_layers

    def forward(self, showers: Tensor) -> Tensor:
        e = showers.reshape(len(showers), self.n_layers, self.n_cells).to(self.cell.dtype)
        total = e.sum(dim=2)
        has_energy = total > 0
        weight = e / total.clamp_min(1e-30).unsqueeze(-1)
        centre = (weight * self.cell).sum(dim=2)
        centre = torch.where(has_energy, centre, torch.full_like(centre, 0.5 * (self.n_cells - 1)))
        if self.order == 1:
            return centre
        spread = (weight * (self.cell - centre.unsqueeze(-1)) ** 2).sum(dim=2).clamp_min(0.0).sqrt()
        return torch.cat([centre, torch.where(has_energy, spread, torch.zeros_like(spread))], dim=1)
