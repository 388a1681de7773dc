"""Conditional whitening: the linear (Gaussian-copula) part of the dependence between features.

After the quantile maps every feature is N(0, 1) on its own, but a shower's voxels are strongly
correlated (a shower that starts late is late in every layer; a wide one is wide everywhere;
the core cells of one layer share its energy). A flow with a few coupling layers learns little of
that from 10^4 showers: on ams-ecal the trained two-stage flow reached AUC 0.57 / 0.71 while the
Gaussian copula alone (voxels | layer features drawn from the fitted joint Gaussian) reached
0.52 / 0.65. This step removes the linear part before the network sees the features:

    z_rest = chol^-1 (x_rest - mean_rest - (x_given - mean_given) @ coef)

where ``x_given`` are the first ``n_given`` features (the layer energies, which the flow's first
stage models) and ``chol`` is the Cholesky factor of the covariance of the rest given them.
The covariance is the Ledoit-Wolf shrinkage estimate (sklearn), positive definite even when
features outnumber showers. The Jacobian is constant: ``log_abs_det`` (forward direction).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

MAX_FIT_ROWS = 50_000  # a covariance of ~10^3 features is settled long before this


class ConditionalWhitening(nn.Module):
    """x (N, G + R) -> (x_given unchanged, whitened rest); exactly invertible, linear."""

    def __init__(self, n_features: int, n_given: int) -> None:
        super().__init__()
        self.n_given, n_rest = int(n_given), int(n_features) - int(n_given)
        self.register_buffer("mean", torch.zeros(n_features))
        self.register_buffer("coef", torch.zeros(self.n_given, n_rest))
        self.register_buffer("chol", torch.eye(n_rest))

    def fit(self, x: Tensor, generator: torch.Generator | None = None) -> ConditionalWhitening:
        """Fit mean, regression on the given features and Cholesky factor on features (N, F)."""
        from sklearn.covariance import LedoitWolf

        if x.shape[0] > MAX_FIT_ROWS:
            generator = generator or torch.Generator().manual_seed(0)
            x = x[torch.randperm(x.shape[0], generator=generator)[:MAX_FIT_ROWS]]
        data = x.double().cpu().numpy()
        mean = data.mean(axis=0)
        cov = LedoitWolf(assume_centered=False).fit(data).covariance_
        g = self.n_given
        coef = np.linalg.solve(cov[:g, :g], cov[:g, g:]) if g else np.zeros((0, cov.shape[0]))
        conditional = cov[g:, g:] - cov[g:, :g] @ coef
        chol = np.linalg.cholesky(0.5 * (conditional + conditional.T))
        self.mean.copy_(torch.from_numpy(mean))
        self.coef.copy_(torch.from_numpy(coef))
        self.chol.copy_(torch.from_numpy(chol))
        return self

    @property
    def log_abs_det(self) -> Tensor:
        """log |det d(forward)/dx|, the same for every shower."""
        return -torch.log(torch.diagonal(self.chol)).sum()

    def _centre(self, given: Tensor) -> Tensor:
        g = self.n_given
        return self.mean[g:] + (given - self.mean[:g]) @ self.coef

    def forward(self, x: Tensor) -> Tensor:
        given, rest = x[:, : self.n_given], x[:, self.n_given:]
        residual = (rest - self._centre(given)).T
        white = torch.linalg.solve_triangular(self.chol, residual, upper=False).T
        return torch.cat([given, white], dim=1)

    def inverse(self, z: Tensor) -> Tensor:
        given, white = z[:, : self.n_given], z[:, self.n_given:]
        return torch.cat([given, self._centre(given) + white @ self.chol.T], dim=1)
