"""What the classifier test can see at the sizes it was given: its statistical power.

An AUC of 0.55 means little when two samples of one distribution scatter by ±0.03. Two figures
say how much an evaluation resolves:

* the **detectable AUC** (always): 0.5 + 3 sigma_0, sigma_0 the null spread of the AUC at the
  evaluation split's sizes (``classifier.auc_null_std``). A generator whose true AUC is below it
  can pass by chance; above it the test sees the difference. This is the best case: it assumes
  the classifier learns the optimal discriminant, which a finite training split does not.
* the **power check** (``caloforge evaluate --power``): the reference is split into two random,
  disjoint halves A and B, and the same recipe (network, epochs, splits) compares A with B (the
  empirical null, which should read 0.5 within sigma_0) and A with B distorted by a known, small
  mismodelling: every voxel energy scaled by 1 + ``scale`` (5 % by default, the size of an
  electromagnetic-scale systematic). The AUC that distortion reaches is what this evaluation,
  classifier training included, makes of a 5 % error. Each half holds min(N_ref / 2, N_gen)
  showers, so with N_ref = N_gen the check runs at half the size of the real test and is
  conservative (it under-states the power).

The CaloChallenge quotes its tables at ~10^5 showers a side; ``SMALL_SAMPLE_DETECTABLE_AUC``
sets where an evaluation warns that it cannot tell a good generator (AUC <~ 0.55) from a
perfect one (~3000 showers a side and fewer).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from caloforge.errors import InputError
from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.validate import classifier as clf
from caloforge.validate.classifier_pair import classifier_tests
from caloforge.validate.features import compute_features

DETECTION_SIGMAS = 3.0
POWER_SCALE = 0.05  # the known distortion of the power check: voxel energies x (1 + 0.05)
SMALL_SAMPLE_DETECTABLE_AUC = 0.55  # warn when the test cannot resolve an AUC below this


def detectable_auc(noise: float) -> float:
    """The smallest AUC that differs from 0.5 by ``DETECTION_SIGMAS`` null standard deviations."""
    return 0.5 + DETECTION_SIGMAS * noise if np.isfinite(noise) else float("nan")


def _halves(ref: Showers, n_gen: int, rng: np.random.Generator) -> tuple[Showers, Showers]:
    n = min(len(ref) // 2, n_gen)
    perm = rng.permutation(len(ref))
    return ref.subset(np.sort(perm[:n])), ref.subset(np.sort(perm[n:2 * n]))


def power_check(ref: Showers, n_gen: int, geometry: Geometry, threshold: float, seed: int,
                cfg: clf.ClassifierConfig, scale: float = POWER_SCALE) -> dict[str, Any]:
    """Run the classifier recipe on two Monte Carlo halves, as they are and with one half's voxel
    energies scaled by 1 + ``scale``; returns the AUCs, their null noise and whether the test
    detected the distortion (AUC above the detectable AUC) for the low- and high-level inputs."""
    if len(ref) < 4:
        raise InputError("the power check (--power) needs at least 4 reference showers")
    half_a, half_b = _halves(ref, n_gen, np.random.default_rng([seed, 1]))
    distorted = Showers(half_b.energies, half_b.showers * np.float32(1.0 + scale), dict(half_b.attrs))
    feats = [compute_features(s.energies, s.showers, geometry.readout, threshold, geometry)
             for s in (half_a, half_b, distorted)]
    null = classifier_tests(half_a, half_b, feats[0], feats[1], threshold, seed + 10, cfg)
    dist = classifier_tests(half_a, distorted, feats[0], feats[2], threshold, seed + 10, cfg)
    out: dict[str, Any] = {"scale": scale, "n_per_side": len(half_a)}
    for level in ("low", "high"):
        noise = dist[level].auc_noise
        out[f"auc_{level}_null"] = null[level].auc
        out[f"auc_{level}_distorted"] = dist[level].auc
        out[f"auc_{level}_noise"] = noise
        out[f"detected_{level}"] = bool(dist[level].auc > detectable_auc(noise))
    return out


def power_warnings(power: dict[str, Any]) -> list[str]:
    """What the power check says the evaluation cannot see, or where its null misbehaves."""
    out = []
    pct = f"{100 * power['scale']:.3g} %"
    for level in ("low", "high"):
        if not power[f"detected_{level}"]:
            out.append(f"power check: a {pct} energy-scale error of the Monte Carlo reads AUC "
                       f"{power[f'auc_{level}_distorted']:.3f} ({level} level) at {power['n_per_side']} showers "
                       f"a side, "
                       f"not above the detectable {detectable_auc(power[f'auc_{level}_noise']):.3f}: "
                       f"errors of that size pass unseen; use more showers")
        null, noise = power[f"auc_{level}_null"], power[f"auc_{level}_noise"]
        if abs(null - 0.5) > DETECTION_SIGMAS * noise:
            out.append(f"power check: two halves of the Monte Carlo read AUC {null:.3f} ({level} level), more than "
                       f"{DETECTION_SIGMAS:g} sigma from 0.5: the reference is not one homogeneous sample")
    return out
