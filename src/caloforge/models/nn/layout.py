"""Where the kept voxels sit in a shower image: the one protocol a network needs the fitted
preprocessing for.

Convolutional networks read and write the flat feature vector ``[L layer features, V kept
voxels]`` but convolve an image. ``VoxelLayout`` holds the index buffers that scatter the kept
voxels into the image (never-hit pixels read 0) and gather them back. They are known only once
the preprocessing is fitted: ``ShowerModel.fit_preprocessing`` then calls ``set_layout`` on every
``VoxelLayout`` submodule, so families need no code of their own for it.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from caloforge.errors import InputError


class VoxelLayout(nn.Module):
    """Base of networks that place kept voxels in an image of ``n_pixels`` pixels."""

    def __init__(self, n_kept: int, n_pixels: int) -> None:
        super().__init__()
        self.register_buffer("kept", torch.zeros(n_kept, dtype=torch.long))
        self.register_buffer("gather", torch.full((n_pixels,), n_kept, dtype=torch.long))

    def set_layout(self, kept: Tensor, gather: Tensor) -> None:
        """Copy the preprocessor's kept-voxel indices (after it was fitted)."""
        self.kept.copy_(kept)
        self.gather.copy_(gather)

    def to_image(self, voxels: Tensor) -> Tensor:
        """Kept-voxel features (N, V) -> flat image (N, n_pixels), 0 where no voxel is kept."""
        padded = torch.cat([voxels, torch.zeros_like(voxels[:, :1])], dim=1)
        return padded.index_select(1, self.gather)

    def from_image(self, image: Tensor) -> Tensor:
        """Flat image (N, n_pixels) -> kept-voxel features (N, V)."""
        return image.index_select(1, self.kept)


NETWORKS = ("auto", "conv", "mlp")


def use_conv(network: str, image_shape: tuple[int, ...], family: str, geometry: Any = "") -> bool:
    """Whether family ``family`` builds its convolutional network, for every family alike.

    ``network``: "conv", "mlp" or "auto". "auto" means convolutional when every layer of the
    readout is one row of cells (``image_shape`` (L, 1, C): the strips of ams-ecal, the rings of
    pbwo4-block), where a transverse shift of the shower is one translation along the row that
    a convolution shares between positions; an MLP otherwise (irregular binnings, and (L, A, R)
    images, on which no convolutional variant has been measured better).
    """
    if network not in NETWORKS:
        raise InputError(f"{family} network must be one of {', '.join(NETWORKS)}, got {network!r}")
    if network == "conv" and not image_shape:
        raise InputError(f"geometry {geometry} is not an image: use {family} network mlp")
    return network == "conv" or (network == "auto" and len(image_shape) == 3 and image_shape[1] == 1)
