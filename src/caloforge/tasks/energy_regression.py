"""Electron energy regression: a BDT predicts R = E_rec / E_true - 1 from the cells and the
shower shape, and the corrected energy is E = E_rec / (1 + R). E_rec is the visible energy on the
electron scale (visible / the median visible-per-MeV of the training electrons), so R holds what
a single scale factor cannot: the energy that leaks out of the back (a shower that peaks late
loses more; the last layers see it), the non-linearity it brings, and the lateral losses. AMS-02
corrects its ECAL energy for the rear leakage from the same variables (arXiv:1210.0316).

Resolution is quoted as sigma_68 / E: half the width of the central 68.3 % of E / E_true, which
a Gaussian core gives as its sigma and which the leakage tail does not inflate without bound
(its error from 200 bootstrap resamples, seeded, so that a tail counts), fitted with
a/sqrt(E) (+) b, at the incident energies of a beam-test-like sample or in 1/5-decade bins of a
continuous one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from caloforge.errors import InputError
from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.mc.analysis import fit_resolution
from caloforge.tasks.ep_separation import ELECTRON_LIKE, light_per_mev
from caloforge.tasks.shower_shape import check_sample, task_inputs

CENTRAL = 0.6827
MIN_SHOWERS_PER_POINT = 20
MAX_DISCRETE_ENERGIES = 20  # more distinct incident energies than this: a continuum, binned


@dataclass
class RegressionConfig:
    """Settings of the energy regression (stored with its results)."""

    use_cells: bool = True
    max_iter: int = 500
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    seed: int = 0

    def __post_init__(self) -> None:
        if self.max_iter < 1 or self.learning_rate <= 0:
            raise InputError("max_iter must be >= 1 and learning_rate > 0")


def check_electrons(showers: Showers, geometry: Geometry) -> None:
    check_sample(showers, geometry, ELECTRON_LIKE, "the energy regression")


@dataclass
class EnergyRegressor:
    """BDT regression of the electron energy on one geometry."""

    geometry: Geometry
    config: RegressionConfig = field(default_factory=RegressionConfig)
    calibration: float = 0.0
    model: HistGradientBoostingRegressor | None = None

    def features(self, showers: Showers) -> np.ndarray:
        return task_inputs(self.geometry, showers, self.config.use_cells)

    def reconstructed(self, showers: Showers) -> np.ndarray:
        """E_rec (MeV): the visible energy on the electron scale."""
        return showers.total_energy() / self.calibration

    def fit(self, electrons: Showers) -> EnergyRegressor:
        check_electrons(electrons, self.geometry)
        if len(electrons) < 50:
            raise InputError(f"the energy regression needs >= 50 training showers, got {len(electrons)}")
        self.calibration = light_per_mev(electrons)
        target = self.reconstructed(electrons) / electrons.energies - 1.0
        self.model = HistGradientBoostingRegressor(
            max_iter=self.config.max_iter, learning_rate=self.config.learning_rate,
            max_leaf_nodes=self.config.max_leaf_nodes, early_stopping=True, validation_fraction=0.15,
            n_iter_no_change=20, random_state=self.config.seed)
        self.model.fit(self.features(electrons), target)
        return self

    def corrected(self, showers: Showers) -> np.ndarray:
        """E = E_rec / (1 + R) (MeV)."""
        if self.model is None:
            raise InputError("the energy regression is not trained")
        r = np.clip(self.model.predict(self.features(showers)), -0.9, 10.0)
        return self.reconstructed(showers) / (1.0 + r)


def sigma68(x: np.ndarray) -> float:
    """Half the width of the central 68.3 % of x."""
    lo, hi = np.quantile(x, [(1 - CENTRAL) / 2, (1 + CENTRAL) / 2])
    return float(0.5 * (hi - lo))


def bootstrap_error(ratio: np.ndarray, n_resamples: int = 200) -> float:
    """Spread of sigma_68 / median over bootstrap resamples (seed 0: the same numbers every run)."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(ratio), (n_resamples, len(ratio)))
    samples = ratio[picks]
    lo, hi = np.quantile(samples, [(1 - CENTRAL) / 2, (1 + CENTRAL) / 2], axis=1)
    return float(np.std(0.5 * (hi - lo) / np.median(samples, axis=1), ddof=1))


def energy_groups(true_mev: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """(energy of each group in MeV, shower indices of each group): the incident energies when the
    showers come at a few discrete ones, else bins of 1/5 decade of a continuum (quoted at their
    geometric mean); groups with fewer than MIN_SHOWERS_PER_POINT showers are dropped."""
    points = np.unique(true_mev)
    if len(points) <= MAX_DISCRETE_ENERGIES:
        groups = [np.flatnonzero(true_mev == e) for e in points]
        centres = points
    else:
        log_e = np.log10(true_mev)
        edges = np.arange(np.floor(log_e.min() * 5), np.ceil(log_e.max() * 5) + 1) / 5
        which = np.clip(np.searchsorted(edges, log_e, side="right") - 1, 0, len(edges) - 2)
        groups = [np.flatnonzero(which == b) for b in range(len(edges) - 1)]
        centres = np.array([10 ** log_e[g].mean() if len(g) else 0.0 for g in groups])
    keep = [i for i, g in enumerate(groups) if len(g) >= MIN_SHOWERS_PER_POINT]
    return centres[keep], [groups[i] for i in keep]


def resolution_table(true_mev: np.ndarray, estimates: dict[str, np.ndarray]) -> dict:
    """Linearity (median E / E_true) and sigma_68 / E per incident energy (or per energy bin of a
    continuum), and the a/sqrt(E) (+) b fit of every estimate."""
    points, groups = energy_groups(true_mev)
    if len(points) < 2:
        raise InputError(f"the resolution needs >= 2 incident energies (or 1/5-decade bins) with >= "
                         f"{MIN_SHOWERS_PER_POINT} showers each; got {len(true_mev)} showers")
    out: dict = {"energies_gev": (points / 1000.0).tolist(), "n": [len(g) for g in groups]}
    for name, est in estimates.items():
        lin, res, err = [], [], []
        for g in groups:
            ratio = est[g] / true_mev[g]
            s = sigma68(ratio) / np.median(ratio)
            lin.append(float(np.median(ratio)))
            res.append(s)
            err.append(bootstrap_error(ratio))
        fit = None
        if len(points) >= 3:
            a, b, da, db = fit_resolution(points / 1000.0, np.array(res), np.array(err))
            fit = {"a": a, "b": b, "a_err": da, "b_err": db}
        out[name] = {"linearity": lin, "resolution": res, "resolution_err": err, "fit": fit,
                     "max_nonlinearity": float(np.max(np.abs(np.array(lin) / np.mean(lin) - 1.0)))}
    return out


def regression_report(regressor: EnergyRegressor, test: Showers) -> dict:
    """Linearity and resolution of E_rec and of the corrected energy on ``test``."""
    check_electrons(test, regressor.geometry)
    table = resolution_table(test.energies.astype(np.float64), {"reconstructed": regressor.reconstructed(test),
                                                                "corrected": regressor.corrected(test)})
    return {"config": asdict(regressor.config), "calibration_light_per_MeV": regressor.calibration,
            "n_test": len(test), **table}
