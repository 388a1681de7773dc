"""Classifier two-sample test as in the CaloChallenge evaluation (arXiv:2410.21611).

A fully connected network (input -> hidden -> hidden -> 1 logit, LeakyReLU) learns to tell
reference (label 0) from generated (label 1) showers. Each class is split 60/20/20 into train,
test and evaluation sets (classes balanced by subsampling the larger one). Training keeps the
epoch with the best test accuracy; the outputs are calibrated with isotonic regression on the
test split; ROC AUC and the JSD score are measured on the evaluation split, which neither
training nor calibration has seen.

JSD (challenge definition): JSD = mean over the evaluation set of log2(2 p_y), p_y the calibrated
probability of the true class = 1/2 (E_ref[log2 2(1-p)] + E_gen[log2 2p]) for balanced classes.
0 for indistinguishable samples, 1 for perfectly separated ones; the challenge code's
(log 2 - BCE) / log 2 is the same number.

Same as the challenge (defaults of ``ClassifierConfig``): hidden width 2048, LeakyReLU, BCE with
logits, Adam lr 2e-4, batch 1000, at most 50 epochs, best-test-accuracy epoch, isotonic
calibration on the test split, 60/20/20 split of each class; inputs as built by
``features.low_level_vector`` (log10 E_inc, voxels / E_inc) and ``features.classifier_vector``.

Deviations, all deliberate:

* inputs are standardised with the training split's mean and std (only helps optimisation);
* early stopping: training ends when the test accuracy has not improved for ``patience`` (10)
  epochs; the challenge always runs all 50 (the kept epoch is the same unless accuracy improves
  again after 10 flat epochs);
* AUC is computed from the network's uncalibrated logits (isotonic calibration is monotone, so
  this only avoids the ties it creates; the JSD uses the calibrated probabilities);
* one training per test, not the mean over repeated trainings of the challenge's final tables;
* the high-level vector adds log10(E_tot / E_inc) and per-layer sparsity (see
  ``features.classifier_vector``); at most ``max_per_class`` showers per class are used;
* ``ClassifierConfig.quick()`` (``--quick``): hidden 128, lr 1e-3, batch 256, <= 15 epochs,
  patience 5. Its AUCs are lower bounds of the full recipe's (a smaller network separates less).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score
from torch import nn


@dataclass
class ClassifierConfig:
    """Network and training settings; the defaults are the CaloChallenge ones."""

    hidden: int = 2048
    epochs: int = 50
    lr: float = 2e-4
    batch_size: int = 1000
    patience: int = 10  # stop when test accuracy has not improved for this many epochs
    max_per_class: int = 100_000

    @classmethod
    def quick(cls) -> ClassifierConfig:
        """Small and fast, for tests and ``--quick``: hidden 128, at most 15 epochs."""
        return cls(hidden=128, epochs=15, lr=1e-3, batch_size=256, patience=5)


@dataclass
class ClassifierResult:
    """auc on the evaluation split; jsd: the estimate, which finite samples can push below 0
    (the true JSD is >= 0); auc_noise: the standard deviation of the AUC of two samples of one
    distribution at this split's sizes (what the test can resolve)."""

    auc: float
    jsd: float
    best_epoch: int
    test_accuracy: float
    n_eval: int
    auc_noise: float = float("nan")
    by_energy: dict[str, list[float]] | None = None  # AUC per bin of E_inc on the evaluation split


def auc_null_std(n_ref: int, n_gen: int) -> float:
    """Standard deviation of the AUC when both samples come from one distribution: that of the
    Mann-Whitney U statistic, sqrt((n1 + n2 + 1) / (12 n1 n2)) (Hanley & McNeil 1982, eq. 1 at
    AUC = 1/2); ~0.02 for 400 showers a side."""
    return float(np.sqrt((n_ref + n_gen + 1) / (12.0 * n_ref * n_gen))) if n_ref and n_gen else float("nan")


def make_network(n_in: int, hidden: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.LeakyReLU(), nn.Linear(hidden, hidden),
                         nn.LeakyReLU(), nn.Linear(hidden, 1))


def split_indices(n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """60/20/20 split of range(n)."""
    perm = rng.permutation(n)
    a, b = int(0.6 * n), int(0.8 * n)
    return perm[:a], perm[a:b], perm[b:]


def _splits(ref: np.ndarray, gen: np.ndarray, rng: np.random.Generator,
            cap: int) -> list[tuple[np.ndarray, np.ndarray]]:
    n = min(len(ref), len(gen), cap)
    ref, gen = ref[rng.choice(len(ref), n, replace=False)], gen[rng.choice(len(gen), n, replace=False)]
    out = []
    for ir, ig in zip(split_indices(n, rng), split_indices(n, rng), strict=True):
        x = np.concatenate([ref[ir], gen[ig]])
        y = np.concatenate([np.zeros(len(ir)), np.ones(len(ig))]).astype(np.float32)
        out.append((x.astype(np.float32), y))
    return out


def _logits(model: nn.Module, x: torch.Tensor, batch: int = 4096) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch]).squeeze(1) for i in range(0, len(x), batch)]).numpy()


def jsd_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean of log2(2 p_true) with calibrated probabilities p (clipped to avoid log 0)."""
    p = np.clip(p, 1e-7, 1 - 1e-7)
    p_true = np.where(y > 0.5, p, 1 - p)
    return float(np.mean(np.log2(2 * p_true)))


def _train(model: nn.Module, xtr: torch.Tensor, ytr: torch.Tensor, xte: torch.Tensor,
           yte: np.ndarray, cfg: ClassifierConfig, gen: torch.Generator) -> tuple[int, float]:
    """Train, restore the best-test-accuracy weights; returns (best epoch, its accuracy)."""
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    best = (-1, -1.0, None)
    for epoch in range(cfg.epochs):
        model.train()
        order = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), cfg.batch_size):
            idx = order[i:i + cfg.batch_size]
            opt.zero_grad()
            loss_fn(model(xtr[idx]).squeeze(1), ytr[idx]).backward()
            opt.step()
        acc = float(np.mean((_logits(model, xte) > 0) == (yte > 0.5)))
        if acc > best[1]:
            best = (epoch, acc, {k: v.clone() for k, v in model.state_dict().items()})
        elif epoch - best[0] >= cfg.patience:
            break
    model.load_state_dict(best[2])
    return best[0], best[1]


def auc_by_energy(energies: np.ndarray, labels: np.ndarray, logits: np.ndarray, edges: np.ndarray) -> dict[str, list]:
    """AUC of the trained classifier in each bin of E_inc (MeV ``edges``), with its null noise:
    where in energy a generator is told apart. NaN where a bin lacks either class."""
    out: dict[str, list] = {"edges_mev": [float(e) for e in edges], "auc": [], "auc_noise": [], "n": []}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (energies >= lo) & (energies < hi)
        n_gen, n = int(labels[sel].sum()), int(sel.sum())
        ok = 0 < n_gen < n
        out["auc"].append(float(roc_auc_score(labels[sel], logits[sel])) if ok else float("nan"))
        out["auc_noise"].append(auc_null_std(n - n_gen, n_gen) if ok else float("nan"))
        out["n"].append(n)
    return out


def classifier_test(ref: np.ndarray, gen: np.ndarray, seed: int = 0, cfg: ClassifierConfig | None = None,
                    energies: tuple[np.ndarray, np.ndarray] | None = None,
                    energy_edges: np.ndarray | None = None) -> ClassifierResult:
    """Train the classifier on ``ref`` (N1, D) vs ``gen`` (N2, D); AUC and JSD on held-out data.
    With ``energies`` (incident energies of ref and gen, MeV) and ``energy_edges``, also the AUC
    per energy bin of the evaluation split (the energies ride along, they are not an input)."""
    cfg = cfg or ClassifierConfig()
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    tgen = torch.Generator().manual_seed(seed)
    if energies is not None:  # an extra last column, split with the showers and removed below
        ref, gen = (np.concatenate([x, e.reshape(-1, 1)], axis=1) for x, e in zip((ref, gen), energies, strict=True))
    (xtr, ytr), (xte, yte), (xev, yev) = _splits(ref, gen, rng, cfg.max_per_class)
    e_ev = None
    if energies is not None:
        e_ev = xev[:, -1].astype(np.float64)
        xtr, xte, xev = xtr[:, :-1], xte[:, :-1], xev[:, :-1]
        ref = ref[:, :-1]
    mean, std = xtr.mean(0), xtr.std(0)
    std = np.where(std > 1e-8, std, 1.0)
    tx = [torch.from_numpy((x - mean) / std) for x in (xtr, xte, xev)]
    model = make_network(ref.shape[1], cfg.hidden)
    epoch, acc = _train(model, tx[0], torch.from_numpy(ytr), tx[1], yte, cfg, tgen)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit(_logits(model, tx[1]), yte)
    logit_ev = _logits(model, tx[2])
    auc = float(roc_auc_score(yev, logit_ev))
    n_gen = int(yev.sum())
    by_energy = None if e_ev is None or energy_edges is None else auc_by_energy(e_ev, yev, logit_ev, energy_edges)
    return ClassifierResult(auc, jsd_score(iso.predict(logit_ev), yev), epoch, acc, len(yev),
                            auc_null_std(len(yev) - n_gen, n_gen), by_energy)
