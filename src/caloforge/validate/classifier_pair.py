"""The two classifier tests of an evaluation, low level (voxels) and high level (features), run
on one pair of samples; shared by the evaluation itself and by its power check, which runs the
same recipe on Monte Carlo halves."""

from __future__ import annotations

from caloforge.io import Showers
from caloforge.validate import classifier as clf
from caloforge.validate.features import Features, low_level_vector
from caloforge.validate.response import energy_bin_edges

AUC_ENERGY_BINS = 4  # the classifier AUC is also given in these many bins of E_inc


def classifier_tests(ref: Showers, gen: Showers, fr: Features, fg: Features, threshold: float,
                     seed: int, cfg: clf.ClassifierConfig) -> dict[str, clf.ClassifierResult]:
    """{"low": voxels / E_inc, "high": the high-level vector} of ``ref`` against ``gen``."""
    energies = (ref.energies, gen.energies)
    edges = energy_bin_edges(ref.energies, AUC_ENERGY_BINS)
    low = clf.classifier_test(low_level_vector(ref.energies, ref.showers, threshold),
                              low_level_vector(gen.energies, gen.showers, threshold), seed, cfg, energies, edges)
    high = clf.classifier_test(fr.classifier, fg.classifier, seed + 1, cfg, energies, edges)
    return {"low": low, "high": high}
