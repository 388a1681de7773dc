"""Electron/proton separation with a boosted decision tree (or the CNN of ``image_classifier``),
compared in bins of the energy the calorimeter measures (as AMS-02 does: a proton that leaves
10 GeV in the ECAL had ~30-300 GeV, so the protons must be simulated up to several times the
electrons' energies).

The BDT is scikit-learn's histogram gradient boosting (LightGBM's algorithm): on this task it
needs no extra dependency, runs on 2 cores in about a minute for 10^4 showers of 1296 cells and
reaches the rejections of README ("Physics tasks", measured with ``benchmarks/ep_separation.py``).
Inputs: the cells divided by the visible energy plus the shower-shape variables of
``shower_shape`` (the AMS ECAL estimator's kind). Scores are the BDT's log-odds (no saturation
at P = 1, so cuts at 10^-4 background still resolve)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from sklearn.ensemble import HistGradientBoostingClassifier

from caloforge.errors import InputError
from caloforge.geometry import Geometry
from caloforge.io import Showers
from caloforge.tasks.image_classifier import ShowerCNN, cnn_logits, image_input, train_cnn
from caloforge.tasks.rejection import min_electrons, rejection_at, roc_curve
from caloforge.tasks.shower_shape import check_sample, task_inputs

ELECTRON_LIKE = ("electron", "positron")
CLASSIFIERS = ("bdt", "cnn")


@dataclass
class EPConfig:
    """Settings of the e/p separation (stored in its results)."""

    bins_gev: tuple[float, ...] = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 1000.0)  # measured energy
    efficiencies: tuple[float, ...] = (0.90, 0.95)
    use_cells: bool = True  # the cells (/ visible energy) beside the shower-shape variables
    classifier: str = "bdt"  # "bdt" (HistGradientBoosting) or "cnn" (image_classifier.ShowerCNN)
    cnn_epochs: int = 15
    max_iter: int = 400
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    seed: int = 0

    def __post_init__(self) -> None:
        edges = np.asarray(self.bins_gev, dtype=float)
        if len(edges) < 2 or np.any(np.diff(edges) <= 0) or edges[0] <= 0:
            raise InputError(f"energy bins must be increasing and positive, got {list(self.bins_gev)}")
        if not self.efficiencies or any(not 0.0 < e < 1.0 for e in self.efficiencies):
            raise InputError(f"efficiencies must lie strictly between 0 and 1, got {list(self.efficiencies)}")
        if self.max_iter < 1 or self.learning_rate <= 0 or self.cnn_epochs < 1:
            raise InputError("max_iter and cnn_epochs must be >= 1 and learning_rate > 0")
        if self.classifier not in CLASSIFIERS:
            raise InputError(f"unknown classifier {self.classifier!r} (use {' or '.join(CLASSIFIERS)})")


def check_particles(electrons: Showers, protons: Showers, geometry: Geometry) -> None:
    """One-line errors for samples that cannot be compared."""
    check_sample(electrons, geometry, ELECTRON_LIKE, "the electron side of the e/p separation")
    check_sample(protons, geometry, ("proton",), "the proton side of the e/p separation")
    if electrons.particle and electrons.particle == protons.particle:
        raise InputError("electrons and protons come from files of the same particle")


def light_per_mev(electrons: Showers) -> float:
    """Calibration: median visible energy per MeV of incident electron energy."""
    return float(np.median(electrons.total_energy() / electrons.energies))


@dataclass
class EPSeparator:
    """BDT separating electrons (label 1) from protons (label 0) on one geometry."""

    geometry: Geometry
    config: EPConfig = field(default_factory=EPConfig)
    calibration: float = 0.0  # visible MeV per MeV of electron energy
    model: HistGradientBoostingClassifier | ShowerCNN | None = None

    def features(self, showers: Showers) -> np.ndarray:
        return task_inputs(self.geometry, showers, self.config.use_cells)

    def measured_energy_gev(self, showers: Showers) -> np.ndarray:
        """The energy the calorimeter measures, electron scale (GeV)."""
        return showers.total_energy() / self.calibration / 1000.0

    def fit(self, electrons: Showers, protons: Showers) -> EPSeparator:
        check_particles(electrons, protons, self.geometry)
        if min(len(electrons), len(protons)) < 20:
            raise InputError(f"training the classifier needs >= 20 showers of each particle, got {len(electrons)} "
                             f"electrons and {len(protons)} protons")
        if not self.calibration:
            self.calibration = light_per_mev(electrons)
        y = np.concatenate([np.ones(len(electrons)), np.zeros(len(protons))])
        if self.config.classifier == "cnn":
            (img_e, log_e), (img_p, log_p) = image_input(self.geometry, electrons), image_input(self.geometry, protons)
            self.model = train_cnn(torch.cat([img_e, img_p]), torch.cat([log_e, log_p]), y, self.config.cnn_epochs,
                                   self.config.seed)
            return self
        x = np.concatenate([self.features(electrons), self.features(protons)])
        # equal total weight per class: the proton sample is usually far larger
        w = np.where(y == 1, len(y) / (2.0 * len(electrons)), len(y) / (2.0 * len(protons)))
        self.model = HistGradientBoostingClassifier(
            max_iter=self.config.max_iter, learning_rate=self.config.learning_rate,
            max_leaf_nodes=self.config.max_leaf_nodes, early_stopping=True, validation_fraction=0.15,
            n_iter_no_change=20, random_state=self.config.seed)
        self.model.fit(x, y, sample_weight=w)
        return self

    def score(self, showers: Showers) -> np.ndarray:
        """Electron-likeness (log-odds) of every shower."""
        if self.model is None:
            raise InputError("the classifier is not trained")
        if isinstance(self.model, ShowerCNN):
            return cnn_logits(self.model, *image_input(self.geometry, showers))
        return self.model.decision_function(self.features(showers))

    def calibrate(self, electrons: Showers) -> EPSeparator:
        """Set the electron energy scale (done by ``fit`` when not done before)."""
        self.calibration = light_per_mev(electrons)
        return self

    def usable_bins(self, electrons: Showers, protons: Showers,
                    require: bool = True) -> tuple[list[tuple[float, float]], list[dict]]:
        """The bins of measured energy with enough electrons for every cut and a proton; the
        others with the reason. With ``require``, raises (before any training) when none is usable."""
        e_e, e_p = self.measured_energy_gev(electrons), self.measured_energy_gev(protons)
        need = max(min_electrons(eff) for eff in self.config.efficiencies)
        usable, skipped = [], []
        edges = self.config.bins_gev
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            n_e, n_p = int(((e_e >= lo) & (e_e < hi)).sum()), int(((e_p >= lo) & (e_p < hi)).sum())
            if n_e < need or n_p == 0:
                skipped.append({"bin_gev": [lo, hi], "n_electrons": n_e, "n_protons": n_p,
                                "why": f"needs >= {need} electrons and >= 1 proton"})
            else:
                usable.append((lo, hi))
        if not usable and require:
            counts = ", ".join(f"{s['bin_gev'][0]:g}-{s['bin_gev'][1]:g} GeV: {s['n_electrons']} e, "
                               f"{s['n_protons']} p" for s in skipped)
            raise InputError(f"no energy bin holds >= {need} electrons and a proton ({counts}): simulate more "
                             "showers or widen the bins")
        return usable, skipped

    def evaluate(self, electrons: Showers, protons: Showers, require: bool = True) -> dict:
        """Rejection at every efficiency and ROC curve in every bin of measured energy; without
        ``require`` a sample that fills no bin gives no bins instead of an error (a generator's
        showers measured in the loop)."""
        check_particles(electrons, protons, self.geometry)
        usable, skipped = self.usable_bins(electrons, protons, require)
        s_e, s_p = self.score(electrons), self.score(protons)
        e_e, e_p = self.measured_energy_gev(electrons), self.measured_energy_gev(protons)
        bins = []
        for lo, hi in usable:
            ie, ip = (e_e >= lo) & (e_e < hi), (e_p >= lo) & (e_p < hi)
            n_e, n_p = int(ie.sum()), int(ip.sum())
            bins.append({"bin_gev": [lo, hi], "n_electrons": n_e, "n_protons": n_p,
                         "rejections": [rejection_at(eff, s_e[ie], s_p[ip]).to_dict()
                                        for eff in self.config.efficiencies],
                         "roc": roc_curve(s_e[ie], s_p[ip])})
        return {"config": asdict(self.config), "calibration_light_per_MeV": self.calibration,
                "n_electrons": len(electrons), "n_protons": len(protons), "bins": bins, "skipped_bins": skipped,
                "scores": {"electron": s_e.tolist(), "proton": s_p.tolist()},
                "measured_energy_gev": {"electron": e_e.tolist(), "proton": e_p.tolist()}}
