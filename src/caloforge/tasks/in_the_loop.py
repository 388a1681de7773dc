"""Generator in the loop: do the physics tasks give the same answers on generated showers as on
the Monte Carlo's? Every task runs three ways on the same geometry:

* MC -> MC: trained on Monte Carlo, measured on independent Monte Carlo (the reference answer);
* MC -> gen: the same trained tool measured on generated showers at the Monte Carlo test
  sample's energies (does a tool tuned on full simulation see the fast simulation the same?);
* gen -> MC: the tool trained on generated showers at the training sample's energies, measured
  on the Monte Carlo test sample (can a tool be trained on fast simulation?).

For the e/p separation the figures are the proton rejections at fixed electron efficiency per
bin of measured energy (with their Clopper-Pearson intervals); for the energy regression the
linearity and sigma_68/E and their a/sqrt(E) (+) b fits; for the anomaly score the AUC between
the scores of Monte Carlo and generated electrons (0.5 when they score alike; both its standard
error if they did, Mann-Whitney's, and the Hanley-McNeil error of the measured value are given;
an AUC below 0.5 means the generated electrons are reconstructed better than the Monte Carlo's,
a difference too) and the share of generated electrons flagged at the Monte Carlo's 1 % and 10 %
thresholds. In the e/p arms the measured energy is on the scale of the Monte Carlo training
electrons (generated showers fall into the bins by their own visible energy); the regression
trained on generated electrons calibrates on them, as a user training on them would."""

from __future__ import annotations

import numpy as np

from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.tasks.anomaly import AnomalyConfig, AnomalyDetector, flagging
from caloforge.tasks.energy_regression import EnergyRegressor, RegressionConfig, regression_report
from caloforge.tasks.ep_separation import EPConfig, EPSeparator, light_per_mev


def _rejections(result: dict) -> dict[str, list[dict]]:
    return {f"{b['bin_gev'][0]:g}-{b['bin_gev'][1]:g}": b["rejections"] for b in result["bins"]}


def ep_in_the_loop(geometry: Geometry, mc_train: tuple[Showers, Showers], mc_test: tuple[Showers, Showers],
                   gen_train: tuple[Showers, Showers], gen_test: tuple[Showers, Showers],
                   config: EPConfig | None = None) -> dict:
    """Proton rejection per bin of measured energy, MC -> MC, MC -> gen and gen -> MC."""
    config = config or EPConfig()
    scale = light_per_mev(mc_train[0])
    on_mc = EPSeparator(geometry, config, calibration=scale).fit(*mc_train)
    on_gen = EPSeparator(geometry, config, calibration=scale).fit(*gen_train)
    arms = {"mc_mc": on_mc.evaluate(*mc_test), "mc_gen": on_mc.evaluate(*gen_test, require=False),
            "gen_mc": on_gen.evaluate(*mc_test)}
    return {"arms": {name: _rejections(r) for name, r in arms.items()},
            "roc": {name: r["bins"] for name, r in arms.items()},
            "scores": {name: arms[name]["scores"] for name in ("mc_mc", "mc_gen")},  # the MC-trained BDT's
            "n": {"mc_train": [len(s) for s in mc_train], "mc_test": [len(s) for s in mc_test],
                  "gen_train": [len(s) for s in gen_train], "gen_test": [len(s) for s in gen_test]}}


def regression_in_the_loop(geometry: Geometry, mc_train: Showers, mc_test: Showers, gen_train: Showers,
                           gen_test: Showers, config: RegressionConfig | None = None) -> dict:
    """Linearity and resolution of the corrected energy, MC -> MC, MC -> gen and gen -> MC."""
    config = config or RegressionConfig()
    on_mc = EnergyRegressor(geometry, config).fit(mc_train)
    on_gen = EnergyRegressor(geometry, config).fit(gen_train)
    return {"mc_mc": regression_report(on_mc, mc_test), "mc_gen": regression_report(on_mc, gen_test),
            "gen_mc": regression_report(on_gen, mc_test)}


def anomaly_in_the_loop(geometry: Geometry, mc_train: Showers, mc_test: Showers, gen_test: Showers,
                        config: AnomalyConfig | None = None) -> dict:
    """Scores of generated electrons under the autoencoder trained on Monte Carlo electrons."""
    detector = AnomalyDetector(geometry, config or AnomalyConfig()).fit(mc_train)
    mc, gen = detector.score(mc_test), detector.score(gen_test)
    result = flagging(mc, gen)
    n1, n2 = len(mc), len(gen)
    result["auc_standard_error"] = float(np.sqrt((n1 + n2 + 1) / (12.0 * n1 * n2)))  # if alike: Mann-Whitney
    a = result["auc"]  # Hanley & McNeil, Radiology 143 (1982) 29: the error of the measured AUC
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    result["auc_error"] = float(np.sqrt((a * (1 - a) + (n2 - 1) * (q1 - a * a) + (n1 - 1) * (q2 - a * a))
                                        / (n1 * n2)))
    result["median_score"] = {"mc": float(np.median(mc)), "gen": float(np.median(gen))}
    result["scores"] = {"mc": mc.tolist(), "gen": gen.tolist()}
    return result


ARMS = ("mc_mc", "mc_gen", "gen_mc")
ARM_TITLES = ("MC → MC", "MC → generated", "generated → MC")


def rejection_text(r: dict) -> str:
    """'R [low, high]' or '> low' (no proton passes)."""
    if r["rejection"] is None:
        return f"> {r['rejection_low']:.3g} (no proton passes)"
    return f"{r['rejection']:.3g} [{r['rejection_low']:.3g}, {r['rejection_high']:.3g}]"


def fit_term(value: float, error: float, digits: int) -> str:
    """'x ± dx' in per cent; a term the fit pushed to its bound of 0 has no meaningful error
    (sigma/E does not depend on it there: d(sigma)/da = 0 at a = 0)."""
    if value < 1e-4 or not np.isfinite(error):
        return f"{100 * value:.{digits}f} (at its bound)"
    return f"{100 * value:.{digits}f} ± {100 * error:.{digits}f}"


def summary_rows(result: dict) -> list[tuple[str, str, str, str]]:
    """(figure, MC -> MC, MC -> gen, gen -> MC) rows of a physics.json, for the terminal and the report."""
    rows = []
    ep = result.get("ep_separation")
    if ep:
        for name, rejections in ep["arms"]["mc_mc"].items():
            for k, r in enumerate(rejections):
                cells = [rejection_text(ep["arms"][arm][name][k]) if name in ep["arms"][arm] else "n/a"
                         for arm in ARMS]
                rows.append((f"p rejection at {r['efficiency']:.0%}, {name} GeV", *cells))
    reg = result.get("energy_regression")
    if reg:
        def fit(arm: str) -> str:
            f = reg[arm]["corrected"]["fit"]
            if not f:
                return "n/a"
            return f"{fit_term(f['a'], f['a_err'], 1)} %/√E ⊕ {fit_term(f['b'], f['b_err'], 2)} %"
        rows.append(("corrected resolution", fit("mc_mc"), fit("mc_gen"), fit("gen_mc")))
    an = result.get("anomaly")
    if an:
        rows.append(("anomaly AUC, MC vs generated electrons (0.5: alike)", "0.5 (by construction)",
                     f"{an['auc']:.3f} ± {an['auc_error']:.3f} (if alike: 0.5 ± {an['auc_standard_error']:.3f})",
                     ""))
        rows.append(("generated electrons flagged at the MC's 1 % / 10 % thresholds", "0.01 / 0.10 (by construction)",
                     f"{an['efficiency_at_fpr_0.01']:.3f} / {an['efficiency_at_fpr_0.1']:.3f}", ""))
    return rows


def summary(result: dict) -> dict:
    """The figures of a physics.json without the per-shower arrays (for metrics.json)."""
    out: dict = {"generator": result.get("generator"), "model": result.get("model")}
    if "ep_separation" in result:
        out["ep_rejection"] = result["ep_separation"]["arms"]
    if "energy_regression" in result:
        out["corrected_resolution_fit"] = {arm: rep["corrected"]["fit"]
                                           for arm, rep in result["energy_regression"].items()}
    if "anomaly" in result:
        out["anomaly"] = {k: v for k, v in result["anomaly"].items() if k != "scores"}
    return out

