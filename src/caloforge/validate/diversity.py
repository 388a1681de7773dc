"""Diversity and mode collapse: mean SSIM of random shower pairs and a birthday-paradox support
estimate (Arora & Zhang, arXiv:1706.08224).

SSIM images: for regular binnings (``readout.image_shape`` = (L, A, R)) a shower is the 2-D image
layers x (alpha * r cells); for irregular binnings (CaloChallenge ds1) each layer's voxel vector
is zero-padded to the longest layer and the layers are stacked, giving layers x max-voxels. Pixel
values are log(1 + E / e0), with e0 the median non-zero voxel energy of the *reference* (the same
for both samples), so that the halo, not only the core, shapes the comparison; each image is then
divided by its own maximum, so ``data_range = 1``. The SSIM window is 7 (or the largest odd size
that fits, at least 3). Pairs are random *neighbours in incident energy* (adjacent after
sorting by energy), so the score measures how different two showers of the same energy are,
not how much showers change with energy. A collapsed generator gives near-identical neighbours,
hence a *higher* mean SSIM (lower diversity 1 - SSIM) than the reference.

Birthday paradox: draw k showers, count pairs whose cosine similarity exceeds
``DUPLICATE_COSINE`` (0.999: near-identical showers). The similarity is taken between vectors of
sqrt(voxel energy), which stabilises the variance of Poisson-like cell fluctuations so that the
noisy halo counts as much as the smooth core: on linear energies two independent smooth showers
of one energy can exceed 0.999, with sqrt they stay below (synthetic tests: max 0.998).
If the sample came uniformly from S distinct showers, the expected number of such pairs is
k(k-1)/(2S), so S ~= k(k-1)/(2 pairs). With no pair the estimate is infinite (reported as null)
and a 95 % lower bound uses 3 pairs (Poisson).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skimage.metrics import structural_similarity

from caloforge.geometry.binning import Readout

DUPLICATE_COSINE = 0.999
POISSON_95_UPPER_ZERO = 3.0  # 95 % upper limit on a Poisson mean when 0 events are seen


def shower_images(showers: np.ndarray, readout: Readout) -> np.ndarray:
    """(N, H, W) images as described in the module docstring (not normalised)."""
    shape = readout.image_shape
    s = np.asarray(showers, dtype=np.float64)
    if shape is not None:
        return s.reshape(len(s), shape[0], shape[1] * shape[2])
    layers = readout.active_layers
    width = max(layer.n_voxels for layer in layers)
    out = np.zeros((len(s), len(layers), width))
    start = 0
    for k, layer in enumerate(layers):
        out[:, k, :layer.n_voxels] = s[:, start:start + layer.n_voxels]
        start += layer.n_voxels
    return out


def _win(shape: tuple[int, ...]) -> int:
    w = min(7, *shape)
    return max(3, w if w % 2 else w - 1)


def pixel_scale(showers: np.ndarray) -> float:
    """e0 of the module docstring: median non-zero voxel energy (MeV)."""
    nz = np.asarray(showers)[np.asarray(showers) > 0]
    return float(np.median(nz)) if nz.size else 1.0


def mean_ssim(showers: np.ndarray, energies: np.ndarray, readout: Readout,
              rng: np.random.Generator, n_pairs: int = 500, e0: float = 1.0) -> tuple[float, float]:
    """Mean SSIM over random pairs of showers adjacent in incident energy (``energies`` MeV) and
    its standard error; ``e0`` in MeV (module docstring)."""
    n = len(showers)
    if n < 2:
        return float("nan"), float("nan")
    order = np.argsort(np.asarray(energies), kind="stable")
    start = rng.integers(0, n - 1, n_pairs)
    i, j = order[start], order[start + 1]
    used = np.unique(np.concatenate([i, j]))
    img = np.log1p(shower_images(showers[used], readout) / e0)
    img = img / np.maximum(img.max(axis=(1, 2), keepdims=True), 1e-30)
    pos = {u: k for k, u in enumerate(used)}
    win = _win(img.shape[1:])
    vals = np.array([structural_similarity(img[pos[a]], img[pos[b]], data_range=1.0, win_size=win)
                     for a, b in zip(i, j, strict=True)])
    return float(vals.mean()), float(vals.std() / np.sqrt(len(vals)))


@dataclass
class SupportEstimate:
    k: int
    pairs: int
    support: float | None  # None when no duplicate pair was found
    lower_bound: float  # 95 % lower bound on the support size


def birthday_support(showers: np.ndarray, rng: np.random.Generator, k: int = 2000,
                     cosine: float = DUPLICATE_COSINE) -> SupportEstimate:
    """Birthday-paradox support size from near-duplicate pairs among ``k`` random showers."""
    k = min(k, len(showers))
    x = np.sqrt(np.asarray(showers[rng.choice(len(showers), k, replace=False)], dtype=np.float64))
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
    sim = x @ x.T
    pairs = int(np.count_nonzero(np.triu(sim > cosine, k=1)))
    n_pairs_total = k * (k - 1) / 2
    support = n_pairs_total / pairs if pairs else None
    lower = n_pairs_total / max(pairs + 2.0 * np.sqrt(pairs), POISSON_95_UPPER_ZERO)
    return SupportEstimate(k, pairs, support, float(lower))
