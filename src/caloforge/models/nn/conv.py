"""Convolutional encoder/decoder for geometries whose readout is an image (layers x cells).

The networks still read and write flat feature vectors ``[L layer features, V kept voxels]``
(see ``caloforge.preprocessing``): voxel features are scattered into the (layers, alpha * r)
image (never-hit voxels read 0) and gathered back, so a conv net is a drop-in replacement for
``ResMLP``. Index buffers are filled by ``set_layout`` once the preprocessing is fitted (``VoxelLayout``).
Only Conv2d / Linear / Upsample / SiLU are used, so the graphs export to ONNX.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from caloforge.models.nn.layout import VoxelLayout


class _Layout(VoxelLayout):
    def __init__(self, n_layer_features: int, n_kept: int, image_shape: tuple[int, ...]) -> None:
        height, width = int(image_shape[0]), int(math.prod(image_shape[1:]))
        super().__init__(n_kept, height * width)
        self.n_layer_features, self.height, self.width = n_layer_features, height, width


class ImageEncoder(_Layout):
    """(features (N, L + V), c (N, n_cond)) -> (N, n_out), convolving the voxel image."""

    def __init__(self, n_layer_features: int, n_kept: int, image_shape: tuple[int, ...], n_cond: int,
                 n_out: int, channels: int = 32, width: int = 256) -> None:
        super().__init__(n_layer_features, n_kept, image_shape)
        ch = channels
        self.conv = nn.Sequential(
            nn.Conv2d(1, ch, 3, padding=1), nn.SiLU(),
            nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(2 * ch, 4 * ch, 3, stride=2, padding=1), nn.SiLU(),
        )
        h, w = (self.height + 3) // 4, (self.width + 3) // 4
        self.head = nn.Sequential(nn.Linear(4 * ch * h * w + n_layer_features + n_cond, width), nn.SiLU(),
                                  nn.Linear(width, n_out))

    def forward(self, x: Tensor, c: Tensor) -> Tensor:
        layer, voxels = x[:, : self.n_layer_features], x[:, self.n_layer_features:]
        image = self.to_image(voxels).reshape(-1, 1, self.height, self.width)
        h = self.conv(image).flatten(1)
        return self.head(torch.cat([h, layer, c], dim=1))


class ImageDecoder(_Layout):
    """(z (N, n_in), c (N, n_cond)) -> features (N, L + V), drawing the voxel image by upsampling."""

    def __init__(self, n_layer_features: int, n_kept: int, image_shape: tuple[int, ...], n_cond: int,
                 n_in: int, channels: int = 32, width: int = 256) -> None:
        super().__init__(n_layer_features, n_kept, image_shape)
        self.ch = channels
        self.h4, self.w4 = (self.height + 3) // 4, (self.width + 3) // 4
        self.mlp = nn.Sequential(nn.Linear(n_in + n_cond, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU())
        self.seed = nn.Linear(width, 4 * channels * self.h4 * self.w4)
        self.layer_head = nn.Linear(width, n_layer_features) if n_layer_features else None
        half = ((self.height + 1) // 2, (self.width + 1) // 2)
        self.up = nn.Sequential(
            nn.Upsample(size=half), nn.Conv2d(4 * channels, 2 * channels, 3, padding=1), nn.SiLU(),
            nn.Upsample(size=(self.height, self.width)), nn.Conv2d(2 * channels, channels, 3, padding=1), nn.SiLU(),
            nn.Conv2d(channels, 1, 3, padding=1),
        )

    def forward(self, z: Tensor, c: Tensor) -> Tensor:
        h = self.mlp(torch.cat([z, c], dim=1))
        image = self.up(self.seed(h).reshape(-1, 4 * self.ch, self.h4, self.w4)).flatten(1)
        voxels = self.from_image(image)
        if self.layer_head is None:
            return voxels
        return torch.cat([self.layer_head(h), voxels], dim=1)
