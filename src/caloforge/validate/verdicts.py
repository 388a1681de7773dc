"""Traffic-light verdicts per headline metric: "green" (consistent with the reference), "amber"
(noticeable), "red" (clearly different). Thresholds (documented here and in the report):

* classifier AUC: green < 0.60, amber < 0.75, red otherwise (CaloChallenge: best ds1 photons
  0.54-0.63, Geant4 vs itself 0.50); JSD: green < 0.05, amber < 0.20.
* separation power per feature: green when not flagged (see ``separation``), amber when flagged
  with S < 0.1, red when S >= 0.1.
* W1 ratio to the reference floor: green < 2, amber < 5, red otherwise.
* FPD / KPD: green when below max(3 x error, ref-vs-ref floor), amber below 10 x that, else red.
* SSIM diversity: diversity = 1 - mean SSIM of energy-neighbour pairs; the ratio
  diversity_gen / diversity_ref is green in [0.8, 1.25], amber in [0.5, 2], red otherwise (a
  collapsed generator has near-identical pairs, so its diversity drops towards 0).
* near-duplicate pairs (birthday test): green when the generated count is within 3 sigma
  (Poisson) of the reference count, red when it implies a support smaller than the number of
  showers drawn, amber otherwise.
* multi-peak fraction: green when |f_gen - f_ref| < max(3 sigma, 0.01), amber < 0.05, red.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _band(value: float | None, green: float, amber: float) -> str:
    if value is None or not np.isfinite(value):
        return "grey"
    return "green" if value < green else "amber" if value < amber else "red"


def auc(value: float) -> str:
    return _band(value, 0.60, 0.75)


def jsd(value: float) -> str:
    return _band(value, 0.05, 0.20)


def separation(value: float, flagged: bool) -> str:
    return "green" if not flagged else "amber" if value < 0.1 else "red"


def w1_ratio(ratio: float) -> str:
    return _band(ratio, 2.0, 5.0)


def distance(value: float, error: float, floor: float) -> str:
    scale = max(3 * (error if np.isfinite(error) else 0.0), floor if np.isfinite(floor) else 0.0)
    return _band(value, scale, 10 * scale) if scale > 0 else _band(value, 1e-12, 1e-12)


def ssim(ref: float, gen: float) -> str:
    if not (np.isfinite(ref) and np.isfinite(gen)) or ref >= 1:
        return "grey"
    r = (1 - gen) / (1 - ref)
    return "green" if 0.8 <= r <= 1.25 else "amber" if 0.5 <= r <= 2.0 else "red"


def duplicates(pairs_ref: int, pairs_gen: int, k: int) -> str:
    if pairs_gen <= pairs_ref + 3 * np.sqrt(pairs_ref + 1):
        return "green"
    return "red" if k * (k - 1) / 2 / pairs_gen < k else "amber"


def multipeak(f_ref: float, e_ref: float, f_gen: float, e_gen: float) -> str:
    diff = abs(f_gen - f_ref)
    return _band(diff, max(3 * np.hypot(e_ref, e_gen), 0.01), 0.05)


def all_verdicts(m: dict[str, Any]) -> dict[str, Any]:
    """Verdicts for every headline entry of a metrics dict."""
    flagged = set(m["flagged_features"])
    return {
        "auc_low": auc(m["auc_low"]), "auc_high": auc(m["auc_high"]),
        "jsd_low": jsd(m["jsd_low"]), "jsd_high": jsd(m["jsd_high"]),
        "fpd": distance(m["fpd"], m["fpd_err"], m["fpd_ref_floor"]),
        "kpd": distance(m["kpd"], m["kpd_err"], m["kpd_ref_floor"]),
        "separation_power": {k: separation(v, k in flagged) for k, v in m["separation_power"].items()},
        "w1": {k: w1_ratio(v["ratio"]) for k, v in m["w1"].items()},
        "ssim": ssim(m["ssim_ref"], m["ssim_gen"]),
        "duplicates": duplicates(m["duplicate_pairs_ref"], m["duplicate_pairs_gen"], m["support_k"]),
        "multipeak": multipeak(m["multipeak_ref"], m["multipeak_ref_err"], m["multipeak_gen"],
                               m["multipeak_gen_err"]),
    }


def worst(colours: list[str]) -> str:
    """The worst colour of a list (red > amber > green > grey)."""
    for c in ("red", "amber", "green"):
        if c in colours:
            return c
    return "grey"
