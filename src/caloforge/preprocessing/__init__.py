"""Invertible, fitted preprocessing of showers, stored with every model."""

from caloforge.preprocessing.per_particle import PerParticlePreprocessor
from caloforge.preprocessing.shower import PreprocessConfig, ShowerPreprocessor, kept_voxels
from caloforge.preprocessing.transforms import Log, LogEnergy, Logit, QuantileGauss, Standardize

__all__ = ["Log", "LogEnergy", "Logit", "PerParticlePreprocessor", "PreprocessConfig", "QuantileGauss",
           "ShowerPreprocessor", "Standardize", "kept_voxels"]
