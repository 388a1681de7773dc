"""Rare events: the fraction of multi-peak showers.

Definition: the longitudinal profile is the energy per active layer in depth order. A shower is
*multi-peak* when this profile has more than one local maximum with height >= ``PEAK_HEIGHT``
(10 %) of the profile maximum and prominence >= ``PEAK_PROMINENCE`` (10 %) of the maximum (the
profile drops by at least that much between the peaks). The profile is padded with zeros so a
maximum in the first or last layer counts. Electromagnetic showers are single-peaked; a second
peak marks e.g. a late photon conversion or a hadronic sub-shower, which generators tend to miss
or to invent.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

PEAK_HEIGHT = 0.1
PEAK_PROMINENCE = 0.1


def count_peaks(profile: np.ndarray, height: float = PEAK_HEIGHT,
                prominence: float = PEAK_PROMINENCE) -> int:
    """Number of significant local maxima of one 1-D profile (see module docstring)."""
    top = float(np.max(profile)) if profile.size else 0.0
    if top <= 0:
        return 0
    padded = np.concatenate([[0.0], profile, [0.0]])
    peaks, _ = find_peaks(padded, height=height * top, prominence=prominence * top)
    return int(len(peaks))


def multipeak_fraction(layer_energy: np.ndarray) -> tuple[float, float]:
    """Fraction of showers (rows of ``layer_energy`` (N, L), depth order) with > 1 peak, and its
    binomial standard error."""
    n = len(layer_energy)
    if n == 0:
        return float("nan"), float("nan")
    multi = np.array([count_peaks(row) > 1 for row in layer_energy])
    f = float(multi.mean())
    return f, float(np.sqrt(max(f * (1 - f), 1.0 / n) / n))
