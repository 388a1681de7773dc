"""Two-stage conditional normalizing flow (the CaloFlow design, arXiv:2106.05285), built on zuko.

Stage 1, ``energy_flow``: the L standardised layer-energy features given the condition c.
Stage 2, ``shower_flow``: the V standardised in-layer voxel fractions given (c, layer features).
Both follow zuko's convention ``flow(context) -> torch.distributions.Distribution``, so
``log_prob`` is exact: the model reports it on the validation set (nats per feature, in the
preprocessed space, i.e. without the Jacobian of the preprocessing).

Sampling inverts the transforms. The shower flow is a coupling flow (``passes=2``: two network
passes per transform in both directions, Dinh et al. arXiv:1605.08803 style masking) so that
sampling a thousand voxels stays fast; the 18-ish dimensional energy flow is fully
autoregressive (MAF, arXiv:1705.07057). ``kind="nsf"`` uses rational-quadratic splines
(arXiv:1906.04032) instead of affine maps: zuko's splines act on [-5, 5] only and are the
identity outside, which standardised features mostly respect (empty-voxel spikes may not).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import zuko
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.models.base import DataSpec, ShowerModel
from caloforge.preprocessing import PreprocessConfig

KINDS = ("maf", "nsf")


@dataclass
class FlowConfig:
    """kind: "maf" (affine) or "nsf" (splines). *_transforms / *_hidden: size of each stage.
    shower_passes: 2 = coupling (fast sampling); 0 = fully autoregressive (slow sampling).
    Preprocessing defaults to ``marginal="quantile"`` in 12 energy bins: every feature is
    Gaussianised through its empirical CDF at the shower's energy, so that the empty-voxel band
    and the hit bump touch instead of lying ~6 logit units apart (an affine flow fills that gap
    and loses hits in the tails) and hit rates are right per energy. On ams-ecal this took the
    classifier AUCs from 0.95 / 0.996 to 0.66 / 0.95 (one map) and 0.56 / 0.71 (binned).
    Voxel maps are binned in their own layer's energy (``quantile_condition="layer"``) and the
    voxels whitened given the layer energies (``decorrelate``): the coupling layers learned too
    little of the linear correlations from 10^4 showers (ds1-photon-like: 0.69 / 0.70 -> 0.51 /
    0.55). ``shower_transforms=0`` keeps only that linear Gaussian second stage.
    With ``marginal="standard"`` keep ``min_std=1``: without it the validation likelihood
    diverges on rarely hit voxels."""

    kind: str = "maf"
    energy_transforms: int = 4
    energy_hidden: tuple[int, ...] = (64, 64)
    shower_transforms: int = 6
    shower_hidden: tuple[int, ...] = (256, 256)
    shower_passes: int = 2
    preprocessing: PreprocessConfig = field(
        default_factory=lambda: PreprocessConfig(min_std=1.0, marginal="quantile", quantile_energy_bins=12,
                                                 quantile_knots=256, quantile_condition="layer", decorrelate=True))

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"flow kind must be one of {KINDS}, got {self.kind!r}")
        if self.preprocessing.space != "layer":
            raise InputError("the two-stage flow needs preprocessing.space: layer")
        if self.energy_transforms < 1 or self.shower_transforms < 0:
            raise InputError("flow energy_transforms must be >= 1 and shower_transforms >= 0")
        if self.shower_transforms == 0 and not self.preprocessing.decorrelate:
            raise InputError("flow shower_transforms: 0 needs preprocessing.decorrelate: true "
                             "(otherwise the voxels would be sampled independently)")


def _make(kind: str, features: int, context: int, transforms: int, hidden: tuple[int, ...],
          passes: int | None) -> zuko.flows.Flow:
    cls = zuko.flows.MAF if kind == "maf" else zuko.flows.NSF
    return cls(features, context, transforms=transforms, hidden_features=tuple(hidden), passes=passes)


class FlowBody(nn.Module):
    """noise (N, L + V) standard normal -> features (N, L + V), inverting both stages (L: the
    first stage's features, layer energies and moments)."""

    def __init__(self, energy_flow: nn.Module, shower_flow: nn.Module | None, n_first: int, n_features: int) -> None:
        super().__init__()
        self.energy_flow, self.shower_flow, self.n_first = energy_flow, shower_flow, n_first
        self.noise_dims = (n_features,)

    def forward(self, noise: Tensor, c: Tensor) -> Tensor:
        layer = self.energy_flow(c).transform.inv(noise[:, : self.n_first])
        voxels = noise[:, self.n_first:]
        if self.shower_flow is not None:
            voxels = self.shower_flow(torch.cat([c, layer], dim=1)).transform.inv(voxels)
        return torch.cat([layer, voxels], dim=1)


class FlowModel(ShowerModel):
    name = "flow"
    exact_likelihood = True
    loss_unit = "nats per feature: negative log-likelihood of the preprocessed features"
    config_class = FlowConfig
    takes_layer_moments = True

    def __init__(self, config: FlowConfig, spec: DataSpec) -> None:
        super().__init__(config, spec)
        n_first = self.preprocessor.n_layer_features  # layer energies (and moments)
        self.energy_flow = _make(config.kind, n_first, self.n_cond, config.energy_transforms,
                                 config.energy_hidden, None)
        self.shower_flow = None if config.shower_transforms == 0 else _make(
            config.kind, spec.n_kept, self.n_cond + n_first, config.shower_transforms, config.shower_hidden,
            config.shower_passes or None)

    def feature_log_prob(self, x: Tensor, c: Tensor) -> Tensor:
        """log p(x | c) (N,) in nats of the marginal-mapped features (x is what the network sees:
        with ``preprocessing.decorrelate`` the whitening's constant Jacobian is added back, so
        that likelihoods compare across runs with and without it)."""
        n_first = self.preprocessor.n_layer_features
        layer, voxels = x[:, :n_first], x[:, n_first:]
        if self.shower_flow is None:  # the preprocessing's linear map is the whole second stage
            shower = torch.distributions.Normal(0.0, 1.0).log_prob(voxels).sum(dim=1)
        else:
            shower = self.shower_flow(torch.cat([c, layer], dim=1)).log_prob(voxels)
        return (self.energy_flow(c).log_prob(layer) + shower
                + self.preprocessor.log_abs_det_for(self.conditioner.particles_of(c)))

    def loss(self, x: Tensor, c: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Negative log-likelihood per feature (nats); exact, so no noise is drawn."""
        return -self.feature_log_prob(x, c).mean() / x.shape[1]

    def body(self) -> nn.Module:
        return FlowBody(self.energy_flow, self.shower_flow, self.preprocessor.n_layer_features, self.n_features)
