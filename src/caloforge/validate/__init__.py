"""Validation of generated showers against a reference, following the CaloChallenge evaluation
(arXiv:2410.21611): high-level features, separation powers, Wasserstein distances, classifier
two-sample tests, FPD/KPD (arXiv:2211.10295), diversity and rare-event checks."""

from caloforge.validate.features import Features, compute_features

__all__ = ["Features", "compute_features"]
