"""The invertible map between showers in MeV and the feature space that the networks see.

Layout of a feature vector (``space="layer"``, the default; the CaloFlow design,
arXiv:2106.05285 and arXiv:2110.11377):

* ``L`` layer features: ``log(E_layer / E_inc + eps)``, standardised;
* with ``layer_moments`` 1 or 2, ``L`` (or ``2 L``) moment features: each layer's centre of
  gravity along its cells (and width), Gaussianised; they ride with the layer features
  (``n_layer_features``) and are dropped on the way back (``layer_moments.py`` says why);
* ``V`` voxel features: the fraction of its layer's energy in each voxel that was ever hit in
  the training set, ``logit(alpha + (1 - 2 alpha) f)``, standardised.

On the way back the voxel fractions are renormalised to sum to one in every layer, so the layer
energies are exactly those generated; voxels that were always empty in training come back as 0.
``space="voxel"`` skips the layer split: ``V`` features ``logit(E_voxel / E_inc)``.

The inverse first clips every feature to its range in the training set (a generated layer
energy cannot run away through the exp), and returns float32 MeV in the geometry's voxel order,
clipped at 0; deposits below the fitted ``threshold`` (MeV) are set to 0, because logit outputs
are never exactly empty otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.preprocessing.decorrelate import ConditionalWhitening
from caloforge.preprocessing.energy_quantile import EnergyQuantileGauss
from caloforge.preprocessing.layer_moments import MOMENT_ORDERS, LayerMoments
from caloforge.preprocessing.layer_quantile import LayerQuantileGauss
from caloforge.preprocessing.marginal import MarginalMap
from caloforge.preprocessing.transforms import Log, Logit, QuantileGauss, Standardize

SPACES = ("layer", "voxel")
MARGINALS = ("standard", "quantile")

THRESHOLD_MARGIN = 1e-4  # relative: far above float32 rounding, far below any physical deposit


@dataclass
class PreprocessConfig:
    """Settings of ``ShowerPreprocessor`` (stored with the model).

    space: "layer" (layer energies + in-layer fractions) or "voxel" (fractions of E_inc).
    alpha: logit clipping of fractions. layer_eps: added to E_layer / E_inc before the log.
    dequantize: fractions below this are "empty": when encoding training data they are replaced
    by uniform noise in [0, dequantize) (and layer fractions below layer_eps by noise in
    [0, layer_eps)), so that no feature is a delta spike that a flow could collapse onto
    (CaloFlow, arXiv:2106.05285, sec. 3); generated fractions below it come back as exactly 0.
    min_std: floor of the standardisation scale, in raw (log / logit) units: a voxel hit in a
    handful of training showers otherwise becomes a 50-sigma outlier, on which a flow overfits.
    threshold_quantile: the threshold (MeV) below which generated deposits are zeroed is this
    quantile of the non-zero training deposits (0 disables it).
    marginal: last step of the map. "standard": (x - mean) / std per feature. "quantile": each
    feature through its empirical CDF to N(0, 1) (``QuantileGauss``, ``quantile_knots``
    quantiles): closes the gap between empty and hit voxels that smooth generators fill.
    quantile_energy_bins: one quantile map per equal-population bin of incident energy (0: one
    map); quantile_condition "layer": voxel maps binned by their own layer's energy instead.
    decorrelate: whiten the voxels given the layer features (``ConditionalWhitening``, a
    Gaussian copula; Ledoit-Wolf covariance).
    per_particle: a model of several particles fits one map per particle
    (``per_particle.PerParticlePreprocessor``) instead of one for the mixture.
    layer_moments: 0 (off), 1 (each layer's centre of gravity) or 2 (and its width) as extra
    layer features (``layer_moments.LayerMoments``; readouts of rows of cells only).
    """

    space: str = "layer"
    alpha: float = 1e-6
    layer_eps: float = 1e-6
    dequantize: float = 1e-5
    min_std: float = 0.0
    threshold_quantile: float = 0.001
    marginal: str = "standard"
    quantile_knots: int = 512
    quantile_energy_bins: int = 0
    quantile_condition: str = "incident"
    decorrelate: bool = False
    per_particle: bool = True
    layer_moments: int = 0

    def __post_init__(self) -> None:
        if self.space not in SPACES:
            raise InputError(f"preprocessing.space must be one of {SPACES}, got {self.space!r}")
        if self.marginal not in MARGINALS:
            raise InputError(f"preprocessing.marginal must be one of {MARGINALS}, got {self.marginal!r}")
        if self.quantile_knots < 3:
            raise InputError("preprocessing.quantile_knots must be at least 3")
        if self.quantile_energy_bins == 1 or self.quantile_energy_bins < 0:
            raise InputError("preprocessing.quantile_energy_bins must be 0 (off) or at least 2")
        if self.quantile_condition not in ("incident", "layer"):
            raise InputError(f"preprocessing.quantile_condition must be 'incident' or 'layer', "
                             f"got {self.quantile_condition!r}")
        if self.quantile_condition == "layer" and (self.space != "layer" or self.quantile_energy_bins < 2
                                                   or self.marginal != "quantile"):
            raise InputError("preprocessing.quantile_condition: layer needs space: layer, marginal: quantile "
                             "and quantile_energy_bins >= 2")
        if not 0 < self.alpha < 0.5:
            raise InputError("preprocessing.alpha must lie in (0, 0.5)")
        if self.layer_moments not in MOMENT_ORDERS:
            raise InputError(f"preprocessing.layer_moments must be one of {MOMENT_ORDERS}, got {self.layer_moments!r}")
        if self.layer_moments and self.space != "layer":
            raise InputError("preprocessing.layer_moments needs space: layer")


def kept_voxels(showers: np.ndarray, symmetries: np.ndarray | None = None) -> np.ndarray:
    """Indices of voxels with a deposit in at least one shower (always-empty ones are dropped),
    or in one shower's image under ``symmetries`` ((G, n_voxels) permutations) when given."""
    hit = (showers > 0).any(axis=0)
    if symmetries is not None:
        hit = hit[symmetries].any(axis=0)
    return np.flatnonzero(hit)


class ShowerPreprocessor(nn.Module):
    """Fitted, invertible preprocessing; see the module docstring. All state is in buffers."""

    def __init__(self, config: PreprocessConfig, layer_sizes: tuple[int, ...], n_kept: int,
                 image_shape: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.config = config
        self.n_voxels = int(sum(layer_sizes))
        self.n_layers = len(layer_sizes)
        self.n_kept = int(n_kept)
        self.moments = LayerMoments(image_shape, config.layer_moments) if config.layer_moments else None
        if self.moments is not None and self.moments.n_layers * self.moments.n_cells != self.n_voxels:
            raise InputError(f"preprocessing.layer_moments: image shape {tuple(image_shape)} does not cover "
                             f"the {self.n_voxels} voxels")
        self.logit, self.log = Logit(config.alpha), Log(config.layer_eps)
        self.register_buffer("kept", torch.zeros(n_kept, dtype=torch.long))
        self.register_buffer("gather", torch.full((self.n_voxels,), n_kept, dtype=torch.long))
        self.register_buffer("member", torch.zeros(n_kept, self.n_layers))  # voxel -> layer one-hot
        self.register_buffer("threshold", torch.tensor(0.0))
        # the layer-energy and voxel features that make the shower (the moments have their own map)
        n_mapped = self.n_features - self.n_moments
        self.register_buffer("raw_min", torch.full((n_mapped,), -1e30))
        self.register_buffer("raw_max", torch.full((n_mapped,), 1e30))
        self.register_buffer("layer_of_voxel", torch.from_numpy(np.repeat(np.arange(self.n_layers), layer_sizes)))
        self.norm = make_marginal(config, self.n_layers, self.n_kept, n_mapped)
        self.moment_norm = None if self.moments is None else make_moment_marginal(config, self.n_moments)
        self.whiten = ConditionalWhitening(self.n_features, self.n_layer_features) if config.decorrelate else None

    @property
    def n_moments(self) -> int:
        return 0 if self.moments is None else self.moments.n_features

    @property
    def n_layer_features(self) -> int:
        """Features of the first stage: layer energies, then the moments (none in voxel space)."""
        return self.n_layers + self.n_moments if self.config.space == "layer" else 0

    @property
    def n_features(self) -> int:
        return self.n_layer_features + self.n_kept

    def fit(self, energies: np.ndarray, showers: np.ndarray, kept: np.ndarray | None = None,
            particle: np.ndarray | None = None) -> ShowerPreprocessor:
        """Fit threshold and standardisation on training showers (MeV).

        ``kept``: voxels to model (default: those hit in ``showers``); pass it when it was
        decided on a larger sample than the one used for the statistics. ``particle`` is not
        used (one map for every particle; see ``PerParticlePreprocessor``).
        """
        kept = kept_voxels(showers) if kept is None else np.asarray(kept)
        if kept.size != self.n_kept:
            raise ValueError(f"preprocessor built for {self.n_kept} kept voxels, data has {kept.size}")
        self.kept.copy_(torch.from_numpy(kept))
        gather = np.full(self.n_voxels, kept.size)
        gather[kept] = np.arange(kept.size)
        self.gather.copy_(torch.from_numpy(gather))
        layers = self.layer_of_voxel[self.kept]
        self.member.copy_(nn.functional.one_hot(layers, self.n_layers).float())
        nonzero = showers[showers > 0]
        q = self.config.threshold_quantile
        self.threshold.fill_(float(np.quantile(nonzero, q)) if q > 0 and nonzero.size else 0.0)
        e = torch.from_numpy(energies).float()
        raw = self.raw_features(e, torch.from_numpy(showers).float(), torch.Generator().manual_seed(0))
        self.norm.fit(raw, e, layers)
        self.raw_min.copy_(raw.min(0).values)
        self.raw_max.copy_(raw.max(0).values)
        showers_t = torch.from_numpy(showers).float()
        if self.moment_norm is not None:
            self.moment_norm.fit(self.moments(showers_t), e)
        if self.whiten is not None:
            generator = torch.Generator().manual_seed(1)
            self.whiten.fit(self._with_moments(self.norm(raw, e, generator), e, showers_t, generator), generator)
        return self

    def _with_moments(self, x: Tensor, energies: Tensor, showers: Tensor,
                      generator: torch.Generator | None) -> Tensor:
        """Mapped [L | V] features -> [L | M | V] (unchanged without moments)."""
        if self.moment_norm is None:
            return x
        moments = self.moment_norm(self.moments(showers), energies, generator)
        return torch.cat([x[:, : self.n_layers], moments, x[:, self.n_layers:]], dim=1)

    @property
    def log_abs_det(self) -> Tensor:
        """Constant log-Jacobian of the decorrelation step (0 without it): add it to a density
        of the network's features to get one of the marginal-mapped features."""
        return self.whiten.log_abs_det if self.whiten is not None else torch.zeros(())

    def log_abs_det_for(self, particles: Tensor | None = None) -> Tensor:
        """``log_abs_det``, whatever the particles (the per-particle map's rows differ)."""
        return self.log_abs_det

    @staticmethod
    def _dequantize(x: Tensor, width: float, generator: torch.Generator | None) -> Tensor:
        if generator is None:
            return x
        noise = torch.rand(x.shape, generator=generator).to(x.device) * width
        return torch.where(x < width, noise, x)

    def raw_features(self, energies: Tensor, showers: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Features before standardisation; dequantised when a ``generator`` is given."""
        e, dq = energies.reshape(-1, 1), self.config.dequantize
        voxels = showers[:, self.kept]
        if self.config.space == "voxel":
            return self.logit(self._dequantize(voxels / e, dq, generator))
        layer_e = voxels @ self.member  # (N, L)
        per_voxel = layer_e @ self.member.T
        fraction = torch.where(per_voxel > 0, voxels / per_voxel.clamp_min(1e-30), torch.zeros_like(voxels))
        layer = self._dequantize(layer_e / e, self.config.layer_eps, generator)
        return torch.cat([self.log(layer), self.logit(self._dequantize(fraction, dq, generator))], dim=1)

    def forward(self, energies: Tensor, showers: Tensor, generator: torch.Generator | None = None,
                particles: Tensor | None = None) -> Tensor:
        """Showers (N, n_voxels) MeV and incident energies (N,) MeV -> features (N, n_features).

        Pass a ``generator`` to dequantise (training and validation data); without it the map is
        deterministic and exactly inverted by ``inverse`` (up to the threshold).
        """
        x = self.norm(self.raw_features(energies, showers, generator), energies, generator)
        x = self._with_moments(x, energies, showers, generator)
        return x if self.whiten is None else self.whiten(x)

    def _empty_below(self, x: Tensor, width: float) -> Tensor:
        return torch.where(x < width, torch.zeros_like(x), x)

    def inverse(self, energies: Tensor, features: Tensor, particles: Tensor | None = None) -> Tensor:
        """Features -> showers (N, n_voxels), float32 MeV, >= 0, geometry voxel order (one map
        for every particle: ``particles`` is not used)."""
        if self.whiten is not None:
            features = self.whiten.inverse(features)
        if self.n_moments:  # the moments guided the voxels; the voxels make the shower
            features = torch.cat([features[:, : self.n_layers], features[:, self.n_layer_features:]], dim=1)
        back = self.norm.inverse(features, energies)
        raw = torch.minimum(torch.maximum(back, self.raw_min), self.raw_max)
        e = energies.reshape(-1, 1)
        if self.config.space == "voxel":
            voxels = self._empty_below(self.logit.inverse(raw), self.config.dequantize) * e
        else:
            layer_e = self._empty_below(self.log.inverse(raw[:, : self.n_layers]), self.config.layer_eps) * e
            fraction = self._empty_below(self.logit.inverse(raw[:, self.n_layers:]), self.config.dequantize)
            sums = (fraction @ self.member) @ self.member.T
            fraction = fraction / sums.clamp_min(1e-12)
            voxels = fraction * (layer_e @ self.member.T)
        # a deposit at the threshold itself is kept: generated values pile up on the lowest quantile
        # knot, which is the threshold for quantised data (photo-electrons), and a strict cut there
        # would keep or zero them at the whim of the backend's float rounding (torch vs ONNX)
        voxels = torch.where(voxels < self.threshold * (1.0 - THRESHOLD_MARGIN), torch.zeros_like(voxels), voxels)
        padded = torch.cat([voxels, torch.zeros_like(voxels[:, :1])], dim=1)
        return padded.index_select(1, self.gather).float()


def make_marginal(config: PreprocessConfig, n_layers: int, n_kept: int, n_features: int) -> MarginalMap:
    """The marginal map that ``config`` asks for (see ``PreprocessConfig.marginal``)."""
    if config.quantile_condition == "layer":
        return LayerQuantileGauss(n_layers, n_kept, config.quantile_knots, config.quantile_energy_bins)
    if config.marginal == "quantile" and config.quantile_energy_bins >= 2:
        return EnergyQuantileGauss(n_features, config.quantile_knots, config.quantile_energy_bins)
    if config.marginal == "quantile":
        return QuantileGauss(n_features, config.quantile_knots)
    return Standardize(n_features, max(config.min_std, 1e-3))


def make_moment_marginal(config: PreprocessConfig, n_moments: int) -> MarginalMap:
    """The map of the layer moments: the layer features' kind (binned in the incident energy),
    standardised in cell units otherwise."""
    if config.marginal == "quantile" and config.quantile_energy_bins >= 2:
        return EnergyQuantileGauss(n_moments, config.quantile_knots, config.quantile_energy_bins)
    if config.marginal == "quantile":
        return QuantileGauss(n_moments, config.quantile_knots)
    return Standardize(n_moments, 1e-3)
