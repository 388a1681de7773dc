"""A 1-D convolutional denoiser for image geometries: cells along the last axis, layers as channels.

For strip readouts such as ams-ecal (18 layers x 72 cells) a transverse shift of the shower
moves every layer's profile together; a convolution over cells sees that shift as one
translation, which a plain MLP must learn separately for every position. Layers (and angular
bins) are stacked as channels, the layer-energy features are broadcast along the cells as extra
channels, and a small MLP head predicts the layer-energy part from them and a pooled summary.
Dilated residual blocks (1, 2, 4, 8, ...) with FiLM conditioning on (condition, noise level)
cover the whole row of cells. A fixed channel holding each cell's signed distance from the row's
centre breaks the translation symmetry: the beam enters at a fixed point, and a purely
translation-equivariant net (whose receptive field barely reaches the row's ends) cannot tell
where that point is, so its showers wander sideways (centre-of-gravity spread 4x the Monte
Carlo's). Same call as ``MLPDenoiser``: ``net(x, noise_level, c)``.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from caloforge.models.nn.layout import VoxelLayout
from caloforge.models.nn.mlp import FourierEmbedding


class ConvBlock(nn.Module):
    def __init__(self, channels: int, cond_width: int, dilation: int) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(8, channels)
        self.film = nn.Linear(cond_width, 2 * channels)
        self.conv1 = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.conv2 = nn.Conv1d(channels, channels, 3, padding=1)

    def forward(self, h: Tensor, c: Tensor) -> Tensor:
        scale, shift = self.film(c).unsqueeze(-1).chunk(2, dim=1)
        y = self.norm(h) * (1 + scale) + shift
        return h + self.conv2(nn.functional.silu(self.conv1(nn.functional.silu(y))))


class ConvDenoiser(VoxelLayout):
    """(x (N, L + V), noise_level (N,), c (N, n_cond)) -> (N, L + V); see the module docstring."""

    def __init__(self, n_layer_features: int, n_kept: int, image_shape: tuple[int, ...], n_cond: int,
                 channels: int = 64, depth: int = 4, emb_dim: int = 64, cond_width: int = 128,
                 head_width: int = 256) -> None:
        rows, cells = int(math.prod(image_shape[:-1])), int(image_shape[-1])
        super().__init__(n_kept, rows * cells)
        self.n_layer_features, self.rows, self.cells = n_layer_features, rows, cells
        self.embed = FourierEmbedding(emb_dim)
        self.cond = nn.Sequential(nn.Linear(n_cond + emb_dim, cond_width), nn.SiLU(),
                                  nn.Linear(cond_width, cond_width), nn.SiLU())
        self.register_buffer("coords", torch.linspace(-1.0, 1.0, self.cells).reshape(1, 1, self.cells))
        self.inp = nn.Conv1d(self.rows + n_layer_features + 1, channels, 3, padding=1)
        self.blocks = nn.ModuleList([ConvBlock(channels, cond_width, 2 ** (i % 4)) for i in range(depth)])
        self.out = nn.Conv1d(channels, self.rows, 3, padding=1)
        self.head = nn.Sequential(nn.Linear(n_layer_features + 2 * channels + cond_width, head_width), nn.SiLU(),
                                  nn.Linear(head_width, head_width), nn.SiLU(),
                                  nn.Linear(head_width, n_layer_features)) if n_layer_features else None

    def forward(self, x: Tensor, noise_level: Tensor, c: Tensor) -> Tensor:
        cond = self.cond(torch.cat([c, self.embed(noise_level)], dim=1))
        layer, voxels = x[:, : self.n_layer_features], x[:, self.n_layer_features:]
        image = self.to_image(voxels).reshape(-1, self.rows, self.cells)
        coords = self.coords.expand(image.shape[0], -1, -1)
        h = self.inp(torch.cat([image, layer.unsqueeze(-1).expand(-1, -1, self.cells), coords], dim=1))
        for block in self.blocks:
            h = block(h, cond)
        vox_out = nn.functional.silu(h)
        voxels_out = self.from_image(self.out(vox_out).flatten(1))
        if self.head is None:
            return voxels_out
        pooled = torch.cat([vox_out.mean(-1), vox_out.amax(-1)], dim=1)
        return torch.cat([self.head(torch.cat([layer, pooled, cond], dim=1)), voxels_out], dim=1)
