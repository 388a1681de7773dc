"""A convolutional e/p classifier on the calorimeter image, beside the BDT.

The AMS-02 ECAL measures x in half of its layers and y in the other half, so the image has two
channels, the x view and the y view (9 layers x 72 cells each on ams-ecal), each cell as
sqrt(cell / visible) (the variance-stabilised shape, as the autoencoder sees it); the visible
energy enters beside the convolutional features as log10(E_vis / GeV). Three 3x3 convolutions
(16, 32, 32 channels, one 2x2 pooling), an average pooling to 3 x 6, then 64 hidden units: ~51 k
parameters, a few minutes for 10^4 showers on 2 CPU cores. Trained with class-balanced binary
cross-entropy; 15 % of the training showers are held out and the epoch with the lowest held-out
loss is kept. The score is the network's logit (electron-like: high), like the BDT's log-odds.
Deep models on ECAL images reach several times the rejection of shape-variable classifiers
(arXiv:2402.16285); ``benchmarks/ep_separation.py`` measures both on the same showers."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.tasks.shower_shape import strip_grid

VALIDATION_SHARE = 0.15


def image_input(geometry: Geometry, showers: Showers) -> tuple[torch.Tensor, torch.Tensor]:
    """((N, views, layers per view, cells) image, (N, 1) log10 visible energy in GeV)."""
    cells = showers.showers.astype(np.float64)
    total = np.maximum(cells.sum(axis=1), 1e-12)
    grid = np.sqrt(strip_grid(geometry, cells / total[:, None]))
    axes = np.array([layer.axis for layer in geometry.readout.layers])
    views = [grid[:, axes == a] for a in ("x", "y") if (axes == a).any()]
    if len({v.shape[1] for v in views}) == 1:
        image = np.stack(views, axis=1)
    else:  # views of unequal depth: one channel, layers in depth order
        image = grid[:, None]
    log_e = np.log10(total / 1000.0)[:, None]
    return torch.from_numpy(image.astype(np.float32)), torch.from_numpy(log_e.astype(np.float32))


class ShowerCNN(nn.Module):
    """Small CNN over (views, layers, cells) plus the log energy."""

    def __init__(self, views: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(views, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1),
                                  nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d((3, 6)), nn.Flatten())
        self.head = nn.Sequential(nn.Linear(32 * 18 + 1, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, image: torch.Tensor, log_e: torch.Tensor) -> torch.Tensor:
        return self.head(torch.cat([self.conv(image), log_e], dim=1)).squeeze(1)


def train_cnn(image: torch.Tensor, log_e: torch.Tensor, label: np.ndarray, epochs: int, seed: int,
              batch_size: int = 128, learning_rate: float = 2e-3) -> ShowerCNN:
    """Class-balanced BCE training with a held-out share; returns the best epoch's network."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    y = torch.from_numpy(label.astype(np.float32))
    w_pos, w_neg = len(y) / (2.0 * max(float(y.sum()), 1.0)), len(y) / (2.0 * max(float((1 - y).sum()), 1.0))
    weight = torch.where(y > 0.5, w_pos, w_neg)
    order = torch.randperm(len(y), generator=gen)
    n_val = max(int(VALIDATION_SHARE * len(y)), 1)
    val, fit = order[:n_val], order[n_val:]
    net = ShowerCNN(image.shape[1])
    optimiser = torch.optim.Adam(net.parameters(), lr=learning_rate)
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")
    best, best_state = float("inf"), None
    for _ in range(epochs):
        net.train()
        for batch in fit[torch.randperm(len(fit), generator=gen)].split(batch_size):
            loss = (loss_fn(net(image[batch], log_e[batch]), y[batch]) * weight[batch]).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        net.eval()
        with torch.no_grad():
            v = float((loss_fn(net(image[val], log_e[val]), y[val]) * weight[val]).mean())
        if v < best:
            best, best_state = v, {k: t.clone() for k, t in net.state_dict().items()}
    assert best_state is not None
    net.load_state_dict(best_state)
    return net


@torch.no_grad()
def cnn_logits(net: ShowerCNN, image: torch.Tensor, log_e: torch.Tensor) -> np.ndarray:
    net.eval()
    return torch.cat([net(i, e) for i, e in zip(image.split(4096), log_e.split(4096), strict=True)]).numpy().astype(
        np.float64)
