"""Compute every metric of the evaluation from two shower samples (no plotting, no files).

``compute_metrics`` returns a JSON-ready dict (headline keys: auc_low, auc_high, jsd_low,
jsd_high, fpd, fpd_err, kpd, kpd_err, separation_power, w1, ssim_ref, ssim_gen, support_ref,
support_gen, multipeak_ref, multipeak_gen) plus the intermediate objects the report plots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.validate import classifier as clf
from caloforge.validate import distances as dist
from caloforge.validate.classifier_pair import classifier_tests
from caloforge.validate.diversity import birthday_support, mean_ssim, pixel_scale
from caloforge.validate.features import Features, compute_features
from caloforge.validate.power import SMALL_SAMPLE_DETECTABLE_AUC, detectable_auc, power_check, power_warnings
from caloforge.validate.rare import multipeak_fraction
from caloforge.validate.response import response_comparison
from caloforge.validate.separation import Comparison, compare_features

W1_FEATURES = ("N_hits", "E_ratio", "E_cell", "E_long", "E_radial", "CoG_x", "CoG_y", "CoG_z")


@dataclass
class Evaluation:
    metrics: dict[str, Any]
    ref_features: Features
    gen_features: Features
    comparisons: dict[str, Comparison]


def w1_units(geometry: Geometry) -> dict[str, str]:
    """The unit of every W1 distance (that of the feature it compares)."""
    depth = "X0" if geometry.simulatable else "layers"
    return {"N_hits": "voxels", "E_ratio": "E_vis/E_inc", "CoG_x": "mm", "CoG_y": "mm", "CoG_z": depth,
            "E_cell": "log10(E/MeV)", "E_long": depth, "E_radial": "mm"}


def _w1_table(fr: Features, fg: Features, ref: np.ndarray, gen: np.ndarray, geometry: Geometry,
              rng: np.random.Generator, n_boot: int) -> dict[str, dist.W1Result]:
    """W1 of the main features. E_cell: log10 of voxel energies (MeV) above threshold, at most
    200 000 cells each; E_long: energy-weighted depth (X0); E_radial: energy-weighted voxel r (mm; |u| for strips)."""
    out = {}
    for name in ("N_hits", "E_ratio", "CoG_x", "CoG_y", "CoG_z"):
        if name in fr.scalars:
            out[name] = dist.w1_samples(fr.scalars[name], fg.scalars[name], rng, n_boot)
    cells = [np.log10(f.voxel_spectrum[rng.choice(f.voxel_spectrum.size,
                                                  min(200_000, f.voxel_spectrum.size),
                                                  replace=False)])
             for f in (fr, fg)]
    if cells[0].size > 1 and cells[1].size > 1:
        out["E_cell"] = dist.w1_samples(cells[0], cells[1], rng, n_boot)
    out["E_long"] = dist.w1_profiles(fr.layer_depth, fr.layer_energy, fg.layer_energy, rng, n_boot)
    r = geometry.readout.voxel_centres[2]
    out["E_radial"] = dist.w1_profiles(r, ref, gen, rng, n_boot)
    return {k: out[k] for k in W1_FEATURES if k in out}


def compute_metrics(ref: Showers, gen: Showers, geometry: Geometry, seed: int = 0,
                    quick: bool = False, threshold: float = 0.0,
                    step: Callable[[str], None] = lambda _: None, power: bool = False) -> Evaluation:
    """Run every metric; ``step(name)`` is called after each stage (progress reporting).
    ``power``: also run the power check (``validate.power``) on halves of ``ref``."""
    rng = np.random.default_rng(seed)
    readout = geometry.readout
    fr = compute_features(ref.energies, ref.showers, readout, threshold, geometry)
    fg = compute_features(gen.energies, gen.showers, readout, threshold, geometry)
    step("features")
    scal_r = dict(fr.scalars, voxel_spectrum=fr.voxel_spectrum)
    scal_g = dict(fg.scalars, voxel_spectrum=fg.voxel_spectrum)
    comps = compare_features(scal_r, scal_g, len(ref), len(gen))
    step("separation")
    s_ref, s_gen = (np.where(x.showers >= threshold, x.showers, 0.0) for x in (ref, gen))
    w1 = _w1_table(fr, fg, s_ref, s_gen, geometry, rng, 10 if quick else 30)
    step("wasserstein")
    cfg = clf.ClassifierConfig.quick() if quick else clf.ClassifierConfig()
    cls = classifier_tests(ref, gen, fr, fg, threshold, seed, cfg)
    step("classifier")
    power_result = power_check(ref, len(gen), geometry, threshold, seed, cfg) if power else None
    step("power")
    n_batches = 5 if quick else 10
    fpd_v, fpd_e = dist.fpd(fr.classifier, fg.classifier, rng, n_batches=3 if quick else 5)
    kpd_v, kpd_e = dist.kpd(fr.classifier, fg.classifier, rng, n_batches=n_batches)
    perm = rng.permutation(len(ref))  # random halves: files are often sorted by energy
    h1, h2 = fr.classifier[perm[: len(ref) // 2]], fr.classifier[perm[len(ref) // 2:]]
    fpd_floor = dist.fpd(h1, h2, rng, n_batches=3)[0]
    kpd_floor = dist.kpd(h1, h2, rng, n_batches=5)[0]
    step("fpd/kpd")
    n_pairs = 200 if quick else 1000
    e0 = pixel_scale(s_ref[: min(len(s_ref), 2000)])
    ssim_r = mean_ssim(s_ref, ref.energies, readout, rng, n_pairs, e0)
    ssim_g = mean_ssim(s_gen, gen.energies, readout, rng, n_pairs, e0)
    sup_r, sup_g = birthday_support(s_ref, rng), birthday_support(s_gen, rng)
    mp_r, mp_g = multipeak_fraction(fr.layer_energy), multipeak_fraction(fg.layer_energy)
    step("diversity")
    metrics: dict[str, Any] = {
        "auc_low": cls["low"].auc, "auc_high": cls["high"].auc,
        "auc_low_noise": cls["low"].auc_noise, "auc_high_noise": cls["high"].auc_noise,
        "auc_low_detectable": detectable_auc(cls["low"].auc_noise),
        "auc_high_detectable": detectable_auc(cls["high"].auc_noise),
        "power": power_result,
        # the true JSD is >= 0; a negative estimate means "below what this sample resolves" (the
        # raw estimates stay in "classifier")
        "jsd_low": max(cls["low"].jsd, 0.0), "jsd_high": max(cls["high"].jsd, 0.0),
        "classifier": {k: vars(v) for k, v in cls.items()},
        "fpd": fpd_v, "fpd_err": fpd_e, "fpd_ref_floor": fpd_floor,
        "kpd": kpd_v, "kpd_err": kpd_e, "kpd_ref_floor": kpd_floor,
        "separation_power": {k: c.separation for k, c in comps.items()},
        "separation_noise_floor": {k: c.noise_floor for k, c in comps.items()},
        "flagged_features": sorted(k for k, c in comps.items() if c.flagged),
        "w1": {k: {"value": v.value, "error": v.error, "floor": v.floor,
                   "floor_error": v.floor_error, "ratio": v.ratio, "unit": w1_units(geometry).get(k, "")}
               for k, v in w1.items()},
        "ssim_ref": ssim_r[0], "ssim_ref_err": ssim_r[1],
        "ssim_gen": ssim_g[0], "ssim_gen_err": ssim_g[1],
        "support_ref": sup_r.support, "support_ref_lower": sup_r.lower_bound,
        "support_gen": sup_g.support, "support_gen_lower": sup_g.lower_bound,
        "duplicate_pairs_ref": sup_r.pairs, "duplicate_pairs_gen": sup_g.pairs,
        "support_k": sup_r.k,
        "multipeak_ref": mp_r[0], "multipeak_ref_err": mp_r[1],
        "multipeak_gen": mp_g[0], "multipeak_gen_err": mp_g[1],
        "response": response_comparison(ref.energies, fr.scalars["E_tot"], gen.energies, fg.scalars["E_tot"]),
    }
    metrics["warnings"] = sample_warnings(metrics, quick)
    return Evaluation(metrics, fr, fg, comps)


def sample_warnings(metrics: dict[str, Any], quick: bool) -> list[str]:
    """What the figures cannot be trusted for at these sample sizes and settings."""
    out = []
    detectable, n_eval = metrics["auc_low_detectable"], metrics["classifier"]["low"]["n_eval"]
    if np.isfinite(detectable) and detectable > SMALL_SAMPLE_DETECTABLE_AUC:
        out.append(f"the classifier is tested on {n_eval} showers: its AUC carries ±{metrics['auc_low_noise']:.3f} "
                   f"of noise, so a generator below AUC {detectable:.2f} cannot be told from the Monte Carlo "
                   f"(3 sigma); "
                   f"quoted figures need >= 10^4 showers a side")
    if quick:
        out.append("--quick: small classifier and few bootstraps, for a first look rather than for quoted numbers")
    if metrics.get("power"):
        out.extend(power_warnings(metrics["power"]))
    return out
