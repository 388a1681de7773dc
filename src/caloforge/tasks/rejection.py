"""Background rejection at a fixed signal efficiency, with intervals right for small counts.

At efficiency eps the cut is the (1 - eps) quantile of the electron scores; the rejection is
N / k for the k of N protons that pass it. Few protons pass a good cut, so the error of k is not
sqrt(k): the interval of the pass probability is Clopper-Pearson's (exact binomial, central,
68.3 % by default; Clopper & Pearson, Biometrika 26 (1934) 404), and the rejection interval is its
inverse. With k = 0 only a lower limit exists (the upper end is reported as None). A quoted
rejection R needs about 10 R protons in its bin: 10 survivors give it a ~30 % error.
With k = 0 the central interval's lower end is a one-sided 84 % limit (1 - 0.317/2). The finite
electron sample also moves the cut; ``efficiency_error`` reports that spread as the efficiency's
binomial error."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import beta

ONE_SIGMA = 0.6827


@dataclass
class Rejection:
    """Proton rejection at one electron efficiency."""

    efficiency: float
    threshold: float
    n_electrons: int
    n_protons: int
    passed: int
    rejection: float | None  # None when no proton passes (only the lower limit is known)
    rejection_low: float
    rejection_high: float | None
    efficiency_error: float  # binomial error of the efficiency from the electron sample

    def to_dict(self) -> dict:
        return asdict(self)


def clopper_pearson(k: int, n: int, cl: float = ONE_SIGMA) -> tuple[float, float]:
    """Central interval (low, high) of a binomial probability from k successes in n trials."""
    alpha = 1.0 - cl
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


def rejection_at(efficiency: float, electron_scores: np.ndarray, proton_scores: np.ndarray,
                 cl: float = ONE_SIGMA) -> Rejection:
    """Rejection of protons at the cut that keeps ``efficiency`` of the electrons (high score =
    electron-like)."""
    threshold = float(np.quantile(electron_scores, 1.0 - efficiency))
    n_e, n_p = len(electron_scores), len(proton_scores)
    passed = int((proton_scores >= threshold).sum())
    low, high = clopper_pearson(passed, n_p, cl)
    return Rejection(efficiency=efficiency, threshold=threshold, n_electrons=n_e, n_protons=n_p, passed=passed,
                     rejection=n_p / passed if passed else None, rejection_low=1.0 / high,
                     rejection_high=1.0 / low if low > 0 else None,
                     efficiency_error=float(np.sqrt(efficiency * (1 - efficiency) / n_e)))


def roc_curve(electron_scores: np.ndarray, proton_scores: np.ndarray,
              efficiencies: np.ndarray | None = None) -> dict[str, list[float | None]]:
    """Rejection (N / passed; None where no proton passes) on a grid of electron efficiencies."""
    eff = np.linspace(0.5, 0.999, 100) if efficiencies is None else np.asarray(efficiencies)
    cuts = np.quantile(electron_scores, 1.0 - eff)
    passed = (proton_scores[None, :] >= cuts[:, None]).sum(axis=1)
    rej = [len(proton_scores) / k if k else None for k in passed]
    return {"efficiency": eff.tolist(), "rejection": rej, "passed": passed.tolist()}


def min_electrons(efficiency: float) -> int:
    """Electrons a bin needs for a cut at ``efficiency``: 10 of them beyond the cut."""
    return int(np.ceil(10.0 / (1.0 - efficiency)))
