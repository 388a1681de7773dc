"""One fitted preprocessing per particle, for models trained on several.

The marginal maps Gaussianise each feature through its empirical distribution (in bins of the
incident or layer energy). Fitted on electrons and protons together, the layer energies of a
10 GeV electron and of a 10 GeV proton (often a MIP) share one map, so neither population comes
out Gaussian and the network must learn the difference the map was meant to remove. Here each
particle gets its own ``ShowerPreprocessor`` (same kept voxels, so the feature space is one);
the rows of a batch are mapped by their particle's. An exported sampler of one particle holds
only that particle's map (``ShowerSampler.for_particle``); traced without a fixed particle, the
inverse mixes the maps' outputs with the one-hot weights, which keeps the batch axis dynamic
(each map's inverse clips its input to its training range, so every term is finite).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.preprocessing.shower import PreprocessConfig, ShowerPreprocessor, kept_voxels


class PerParticlePreprocessor(nn.Module):
    """``ShowerPreprocessor``'s interface, with ``particles`` (N, P) one-hot rows."""

    def __init__(self, config: PreprocessConfig, layer_sizes: tuple[int, ...], n_kept: int, n_particles: int,
                 image_shape: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.config = config
        self.maps = nn.ModuleList(ShowerPreprocessor(config, layer_sizes, n_kept, image_shape)
                                  for _ in range(n_particles))

    # the shared shape of the feature space, and the voxel layout the networks use
    @property
    def n_layers(self) -> int:
        return self.maps[0].n_layers

    @property
    def n_layer_features(self) -> int:
        return self.maps[0].n_layer_features

    @property
    def n_features(self) -> int:
        return self.maps[0].n_features

    @property
    def kept(self) -> Tensor:
        return self.maps[0].kept

    @property
    def gather(self) -> Tensor:
        return self.maps[0].gather

    def fit(self, energies: np.ndarray, showers: np.ndarray, kept: np.ndarray | None = None,
            particle: np.ndarray | None = None) -> PerParticlePreprocessor:
        """Fit each particle's map on its showers; ``particle``: index into the model's particles."""
        if particle is None:
            raise InputError("a model of several particles needs the particle of every training shower")
        kept = kept_voxels(showers) if kept is None else np.asarray(kept)
        particle = np.asarray(particle)
        for k, preprocessor in enumerate(self.maps):
            rows = np.flatnonzero(particle == k)
            if rows.size < max(2, self.config.quantile_energy_bins):  # every energy bin needs a shower
                raise InputError(f"particle {k} of the model has {rows.size} training shower(s): too few to fit on")
            preprocessor.fit(energies[rows], showers[rows], kept)
        return self

    @staticmethod
    def _check(particles: Tensor | None) -> Tensor:
        if particles is None:
            raise InputError("this model was trained on several particles: give the particle of each shower")
        return particles

    def log_abs_det_for(self, particles: Tensor | None) -> Tensor:
        """(N,) constant log-Jacobian of each row's decorrelation step."""
        particles = self._check(particles)
        dets = torch.stack([m.log_abs_det for m in self.maps]).to(device=particles.device, dtype=particles.dtype)
        return particles @ dets

    def forward(self, energies: Tensor, showers: Tensor, generator: torch.Generator | None = None,
                particles: Tensor | None = None) -> Tensor:
        index = self._check(particles).argmax(dim=1)
        out = torch.empty((len(energies), self.n_features), device=showers.device)
        for k, preprocessor in enumerate(self.maps):
            rows = torch.nonzero(index == k).reshape(-1)
            if rows.numel():
                out[rows] = preprocessor(energies[rows], showers[rows], generator)
        return out

    def inverse(self, energies: Tensor, features: Tensor, particles: Tensor | None = None) -> Tensor:
        """Each row through its particle's map; while exporting, the one-hot-weighted mixture of
        every map (row selection has data-dependent shapes; ``ShowerSampler.for_particle``
        exports a single map instead when the particle is fixed)."""
        weights = self._check(particles).to(features.dtype)
        if torch.compiler.is_compiling() or torch.compiler.is_exporting():
            out = weights[:, :1] * self.maps[0].inverse(energies, features)  # no len(): a dynamic batch axis
            for k in range(1, len(self.maps)):
                out = out + weights[:, k:k + 1] * self.maps[k].inverse(energies, features)
            return out
        index = weights.argmax(dim=1)
        out = torch.zeros((len(energies), self.maps[0].n_voxels), device=features.device)
        for k, preprocessor in enumerate(self.maps):
            rows = torch.nonzero(index == k).reshape(-1)
            if rows.numel():
                out[rows] = preprocessor.inverse(energies[rows], features[rows])
        return out
