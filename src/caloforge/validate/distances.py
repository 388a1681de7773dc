"""Distances between distributions: Wasserstein-1 with bootstrap errors and a reference floor,
and the Frechet / kernel physics distances FPD and KPD of arXiv:2211.10295 (Kansal et al.).

W1 floor: the reference is split in random halves; W1(half, half) measures pure sampling noise.
Since W1 noise scales as sqrt(1/N1 + 1/N2), the floor is rescaled from (N/2, N/2) to the sizes
actually compared, so ``ratio = W1 / floor`` is ~1 for a perfect generator.

FPD/KPD work on the high-level classifier vector standardised with the reference's mean and
standard deviation. FPD follows jetnet: the Frechet distance of Gaussian fits is computed for
several sample sizes and extrapolated linearly in 1/N to N -> infinity (error from the fit).
KPD is the unbiased MMD^2 with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3 over
batches of at most half of each sample; reported as median and (q84 - q16) / 2, half the central
68 % spread of the batches (as jetnet; batches overlap, so a standard error would be too small).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.stats import wasserstein_distance
from threadpoolctl import threadpool_limits


@dataclass
class W1Result:
    """W1(ref, gen) with bootstrap error, the rescaled ref-vs-ref floor and their ratio."""

    value: float
    error: float
    floor: float
    floor_error: float

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor > 0 else float("inf")


def _w1(u: np.ndarray, v: np.ndarray, uw: np.ndarray | None = None,
        vw: np.ndarray | None = None) -> float:
    return float(wasserstein_distance(u, v, uw, vw))


def w1_samples(ref: np.ndarray, gen: np.ndarray, rng: np.random.Generator, n_boot: int = 20,
               n_split: int = 5) -> W1Result:
    """W1 of two 1-D samples (one value per shower or per cell)."""
    ref, gen = np.asarray(ref, float), np.asarray(gen, float)
    boot = [_w1(rng.choice(ref, ref.size), rng.choice(gen, gen.size)) for _ in range(n_boot)]
    scale = np.sqrt((1 / ref.size + 1 / gen.size) / (4 / ref.size))
    floors = []
    for _ in range(n_split):
        perm = rng.permutation(ref.size)
        half = ref.size // 2
        floors.append(_w1(ref[perm[:half]], ref[perm[half:2 * half]]) * scale)
    return W1Result(_w1(ref, gen), float(np.std(boot)), float(np.mean(floors)), float(np.std(floors)))


def w1_profiles(values: np.ndarray, ref_w: np.ndarray, gen_w: np.ndarray,
                rng: np.random.Generator, n_boot: int = 20, n_split: int = 5) -> W1Result:
    """W1 of energy-weighted profiles: ``values`` (K,) positions (e.g. layer depth or voxel r),
    ``ref_w``/``gen_w`` (N, K) per-shower weights (energy). Each shower's profile is normalised
    to unit sum first, so every shower counts once (otherwise the few most energetic showers
    dominate and the statistics are poor). Bootstrap resamples showers."""
    ref_w = ref_w / np.maximum(ref_w.sum(1, keepdims=True), 1e-30)
    gen_w = gen_w / np.maximum(gen_w.sum(1, keepdims=True), 1e-30)
    n_r, n_g = ref_w.shape[0], gen_w.shape[0]

    def w(a: np.ndarray, b: np.ndarray) -> float:
        return _w1(values, values, a.sum(0) + 1e-30, b.sum(0) + 1e-30)

    boot = [w(ref_w[rng.integers(0, n_r, n_r)], gen_w[rng.integers(0, n_g, n_g)])
            for _ in range(n_boot)]
    scale = np.sqrt((1 / n_r + 1 / n_g) / (4 / n_r))
    floors = []
    for _ in range(n_split):
        perm = rng.permutation(n_r)
        half = n_r // 2
        floors.append(w(ref_w[perm[:half]], ref_w[perm[half:2 * half]]) * scale)
    return W1Result(w(ref_w, gen_w), float(np.std(boot)), float(np.mean(floors)), float(np.std(floors)))


def standardise(ref: np.ndarray, gen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale both samples with the reference's mean and std (constant columns: std 1), in float64:
    a column almost constant in the reference (an empty layer of a hadron shower) scales the
    generated one by a large factor, and the cubic KPD kernel overflows float32 (but not float64)."""
    ref, gen = np.asarray(ref, dtype=np.float64), np.asarray(gen, dtype=np.float64)
    mean, std = ref.mean(0), ref.std(0)
    std = np.where(std > 1e-12, std, 1.0)
    return (ref - mean) / std, (gen - mean) / std


def frechet_distance(x: np.ndarray, y: np.ndarray) -> float:
    """Frechet distance of Gaussians fitted to x and y: |mu1-mu2|^2 + Tr(S1 + S2 - 2 sqrt(S1 S2)).

    Tr sqrt(S1 S2) = sum of sqrt(eigenvalues of R S2 R), R = S1^(1/2) (symmetric, from eigh): exact
    for covariance matrices and, unlike a general matrix square root, fast and stable when the
    covariances are singular (fewer samples than features)."""
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.atleast_2d(np.cov(x, rowvar=False)), np.atleast_2d(np.cov(y, rowvar=False))
    w, v = linalg.eigh(s1, driver="evd")
    root = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    ev = linalg.eigvalsh(root @ s2 @ root, driver="evd")
    tr_covmean = float(np.sum(np.sqrt(np.clip(ev, 0.0, None))))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr_covmean)


def fpd(ref: np.ndarray, gen: np.ndarray, rng: np.random.Generator, n_points: int = 6,
        n_batches: int = 5) -> tuple[float, float]:
    """FPD extrapolated to infinite samples, with its error (jetnet's method)."""
    ref, gen = standardise(ref, gen)
    with threadpool_limits(1, user_api="blas"):  # small eigh: threads only add contention
        return _fpd(ref, gen, rng, n_points, n_batches)


def _fpd(ref: np.ndarray, gen: np.ndarray, rng: np.random.Generator, n_points: int,
         n_batches: int) -> tuple[float, float]:
    n_max = min(len(ref), len(gen))
    sizes = np.unique(np.linspace(max(n_max // 4, 20), n_max, n_points).astype(int))
    vals = []
    for n in sizes:
        vals.append(np.mean([frechet_distance(ref[rng.choice(len(ref), n, replace=False)],
                                              gen[rng.choice(len(gen), n, replace=False)])
                             for _ in range(n_batches)]))
    if len(sizes) < 2:
        return float(vals[0]), float("nan")
    coef, cov = np.polyfit(1.0 / sizes, vals, 1, cov=len(sizes) > 3)
    err = float(np.sqrt(cov[1, 1])) if len(sizes) > 3 else float("nan")
    return float(coef[1]), err


def mmd2_poly(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 with the kernel (x.y / d + 1)^3."""
    d = x.shape[1]
    kxx, kyy, kxy = ((x @ x.T) / d + 1) ** 3, ((y @ y.T) / d + 1) ** 3, ((x @ y.T) / d + 1) ** 3
    m, n = len(x), len(y)
    sxx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    syy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(sxx + syy - 2 * kxy.mean())


def kpd(ref: np.ndarray, gen: np.ndarray, rng: np.random.Generator, n_batches: int = 10,
        batch_size: int = 2000) -> tuple[float, float]:
    """KPD: median over batches of the unbiased MMD^2, and its error (module docstring)."""
    ref, gen = standardise(ref, gen)
    b = min(batch_size, len(ref) // 2, len(gen) // 2)  # distinct batches, not the whole sample
    vals = [mmd2_poly(ref[rng.choice(len(ref), b, replace=False)],
                      gen[rng.choice(len(gen), b, replace=False)]) for _ in range(n_batches)]
    q16, q84 = np.percentile(vals, [16, 84])
    return float(np.median(vals)), float((q84 - q16) / 2)
