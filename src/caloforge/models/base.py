"""The interface shared by every generative shower model (cgan, vae, diffusion, flow).

A model is an ``nn.Module`` built from its typed config dataclass and a ``DataSpec`` (what the
training data looked like). Everything the model needs at generation time is in its state_dict
(preprocessing and condition scaling are buffers) plus these two dataclasses, so ``model.pt``
needs nothing else (nanoGPT's ``model_args`` idea). A model computes losses and samples; the
training loop is ``caloforge.training`` and ``model.pt`` is written and read by
``caloforge.models.store``.

Contract for a family (subclass ``ShowerModel``), checked by ``tests/models/test_contract.py``:

* ``config_class``: its config dataclass, with a ``preprocessing: PreprocessConfig`` field.
* training: ``loss(x, c, generator=None)`` for single-optimizer models, or override
  ``configure_optimizers`` and ``train_step(x, c, step, optimizers)`` (GANs: two optimizers).
  Every random number of a loss comes from ``generator`` when one is given (``noise.randn``), so
  ``validation_loss(x, c, generator)``, what early stopping watches, is the loss with fixed
  noise; a family whose loss does not measure quality (GANs) overrides it.
* generation: ``body(**options) -> nn.Module`` with ``forward(noise, c) -> features`` and
  ``noise_dims`` (noise shape without the batch axis); ``sample_options`` names the options
  ``body`` accepts (others are refused here, once for all families). The base class wraps the
  body into ``ShowerSampler``: a pure module ``forward(noise, energies[, particles]) -> showers
  (MeV)`` with no random numbers inside, shared by ``sample``, ``caloforge generate`` and ONNX.
* likelihood: families with ``exact_likelihood`` implement ``feature_log_prob(x, c)``; the
  public ``log_prob(energies, showers, particles)`` takes the arguments in the order of
  ``sample(energies, particles)``.
* networks that need the fitted voxel layout derive from ``models.nn.VoxelLayout``; the base
  class fills them in ``fit_preprocessing``.

Here ``x`` are preprocessed features (N, n_features) and ``c`` the encoded condition
(N, n_cond): log E scaled to [-1, 1] over the training range, then a particle one-hot when the
training data held several particles. Particles are given by name (``spec.particles``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from torch import Tensor, nn

from caloforge.errors import InputError
from caloforge.models.nn.layout import VoxelLayout
from caloforge.preprocessing import LogEnergy, PerParticlePreprocessor, ShowerPreprocessor, kept_voxels


@dataclass
class DataSpec:
    """What the training data looked like; fixes the shapes of a model.

    layer_sizes: voxels per active readout layer, in voxel order. image_shape: (layers, alpha,
    r) for regular geometries, else empty. energy_min/max: training range of incident energies,
    MeV: the range the training files were drawn from when they say so (``energy`` attribute of
    ``caloforge simulate``), else the sample's extremes. n_kept: voxels hit at least once in training.
    """

    geometry: str
    n_voxels: int
    layer_sizes: tuple[int, ...]
    image_shape: tuple[int, ...] = ()
    particles: tuple[str, ...] = ()
    energy_min: float = 0.0
    energy_max: float = 0.0
    n_kept: int = 0
    n_train: int = 0

    @staticmethod
    def from_data(geometry: Any, energies: np.ndarray, showers: np.ndarray,
                  particles: tuple[str, ...], symmetries: np.ndarray | None = None,
                  energy_range: tuple[float, float] | None = None) -> DataSpec:
        """Spec of a training set on ``geometry`` (a ``caloforge.geometry.Geometry``); with
        ``symmetries`` (training augmentation) a voxel is kept when any of its images is hit;
        ``energy_range`` (MeV): the range the energies were drawn from, when known."""
        readout = geometry.readout
        low, high = float(energies.min()), float(energies.max())
        if energy_range is not None:
            low, high = min(low, float(energy_range[0])), max(high, float(energy_range[1]))
        if showers.shape[1] != readout.n_voxels:
            raise InputError(f"data has {showers.shape[1]} voxels, geometry {geometry.name} has {readout.n_voxels}")
        return DataSpec(
            geometry=geometry.name, n_voxels=readout.n_voxels,
            layer_sizes=tuple(layer.n_voxels for layer in readout.active_layers),
            image_shape=tuple(readout.image_shape or ()), particles=tuple(particles),
            energy_min=low, energy_max=high,
            n_kept=int(kept_voxels(showers, symmetries).size), n_train=int(len(energies)),
        )


class ConditionEncoder(nn.Module):
    """Incident energy (MeV) and particle one-hot -> condition vector (N, n_cond)."""

    def __init__(self, n_particles: int) -> None:
        super().__init__()
        self.n_particles = n_particles
        self.log_energy = LogEnergy()

    @property
    def n_cond(self) -> int:
        return 1 + (self.n_particles if self.n_particles > 1 else 0)

    def particles_of(self, c: Tensor) -> Tensor | None:
        """The particle one-hot columns of a condition vector (None for one particle)."""
        return c[:, 1:] if self.n_particles > 1 else None

    def forward(self, energies: Tensor, particles: Tensor | None = None) -> Tensor:
        c = self.log_energy(energies).reshape(-1, 1)
        if self.n_particles > 1:
            if particles is None:
                raise InputError("this model was trained on several particles: give the particle of each shower")
            c = torch.cat([c, particles.to(c.dtype)], dim=1)
        return c


class ShowerSampler(nn.Module):
    """Pure generation graph: explicit noise + conditions -> showers in MeV (see module doc)."""

    def __init__(self, body: nn.Module, conditioner: ConditionEncoder,
                 preprocessor: ShowerPreprocessor | PerParticlePreprocessor) -> None:
        super().__init__()
        self.body, self.conditioner, self.preprocessor = body, conditioner, preprocessor

    def noise_shape(self, n: int) -> tuple[int, ...]:
        return (n, *self.body.noise_dims)

    def forward(self, noise: Tensor, energies: Tensor, particles: Tensor | None = None) -> Tensor:
        c = self.conditioner(energies, particles)
        return self.preprocessor.inverse(energies, self.body(noise, c), particles)

    def for_particle(self, onehot: Tensor) -> ShowerSampler:
        """The sampler of one particle (one-hot (P,)), for export: with per-particle maps only
        that particle's map is kept, so the graph is no larger than a one-particle model's."""
        if not isinstance(self.preprocessor, PerParticlePreprocessor):
            return self
        return ShowerSampler(self.body, self.conditioner, self.preprocessor.maps[int(onehot.argmax())]).eval()


class ShowerModel(nn.Module):
    """Base class of all families; see the module docstring for the contract."""

    name: ClassVar[str] = ""
    config_class: ClassVar[type] = object
    exact_likelihood: ClassVar[bool] = False  # loss = -log p(x | c) per feature (flows)
    loss_unit: ClassVar[str] = ""  # what the numbers in stats.jsonl measure, for config.yaml
    # the family's network reads the layer moments as first-stage features (only the flow's does;
    # the others take the first features to be one per layer)
    takes_layer_moments: ClassVar[bool] = False

    def __init__(self, config: Any, spec: DataSpec) -> None:
        super().__init__()
        self.config, self.spec = config, spec
        pre = config.preprocessing
        if pre.layer_moments and not self.takes_layer_moments:
            raise InputError(f"preprocessing.layer_moments is for the flow; the {self.name} model does not use it")
        self.preprocessor: ShowerPreprocessor | PerParticlePreprocessor = (
            PerParticlePreprocessor(pre, spec.layer_sizes, spec.n_kept, len(spec.particles), spec.image_shape)
            if pre.per_particle and len(spec.particles) > 1
            else ShowerPreprocessor(pre, spec.layer_sizes, spec.n_kept, spec.image_shape))
        self.conditioner = ConditionEncoder(len(spec.particles))

    # -- shapes and encodings --------------------------------------------------------------
    @property
    def n_features(self) -> int:
        return self.preprocessor.n_features

    @property
    def n_cond(self) -> int:
        return self.conditioner.n_cond

    def fit_preprocessing(self, energies: np.ndarray, showers: np.ndarray, kept: np.ndarray | None = None,
                          particle: np.ndarray | None = None) -> None:
        """Fit preprocessing and energy scaling on the training set (MeV); ``particle``: index into
        ``spec.particles`` of every shower (models of several). See ShowerPreprocessor.fit."""
        self.preprocessor.fit(energies, showers, kept, particle)
        self.conditioner.log_energy.fit(torch.from_numpy(np.asarray(energies, dtype=np.float32)))
        for module in self.modules():
            if isinstance(module, VoxelLayout):
                module.set_layout(self.preprocessor.kept, self.preprocessor.gather)

    def particle_onehot(self, names: Sequence[str] | np.ndarray | None, n: int) -> Tensor | None:
        """One-hot (N, P) of particle names (one name for all, or N), None for single-particle models."""
        particles = self.spec.particles
        if len(particles) <= 1:
            return None
        if names is None:
            raise InputError(f"model trained on particles {particles}: say which one to generate")
        names = list(np.broadcast_to(np.asarray(names, dtype=object), (n,)))
        unknown = sorted(set(names) - set(particles))
        if unknown:
            raise InputError(f"model not trained on particle(s) {unknown} (known: {', '.join(particles)})")
        return self.particle_onehot_of_index(np.array([particles.index(p) for p in names]))

    def particle_onehot_of_index(self, index: np.ndarray | None) -> Tensor | None:
        """One-hot (N, P) of indices into ``spec.particles`` (the trainer's form), None for
        single-particle models or when no index is given."""
        if index is None or len(self.spec.particles) <= 1:
            return None
        return nn.functional.one_hot(torch.from_numpy(np.asarray(index)).long(), len(self.spec.particles)).float()

    def encode(self, energies: Tensor, showers: Tensor, particles: Tensor | None = None,
               generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        """Showers (MeV) and conditions -> (features x, condition c); dequantised with a generator."""
        return self.preprocessor(energies, showers, generator, particles), self.conditioner(energies, particles)

    # -- training contract -----------------------------------------------------------------
    def loss(self, x: Tensor, c: Tensor, generator: torch.Generator | None = None) -> Tensor:  # pragma: no cover
        """Training loss (a scalar); its noise from ``generator`` when given (see ``noise.randn``)."""
        raise NotImplementedError

    def configure_optimizers(self, train: Any) -> list[torch.optim.Optimizer]:
        """Optimisers from a ``TrainConfig`` (lr, weight_decay, betas); one AdamW by default."""
        return [torch.optim.AdamW(self.parameters(), lr=train.lr, weight_decay=train.weight_decay,
                                  betas=tuple(train.betas))]  # type: ignore[arg-type]

    def train_step(self, x: Tensor, c: Tensor, step: int, optimizers: list[torch.optim.Optimizer],
                   grad_clip: float = 1.0) -> dict[str, float]:
        """One optimisation step; returns the losses to log."""
        (opt,) = optimizers
        opt.zero_grad(set_to_none=True)
        loss = self.loss(x, c)
        loss.backward()
        if grad_clip > 0:
            nn.utils.clip_grad_norm_(self.parameters(), grad_clip)
        opt.step()
        return {"loss": float(loss.detach())}

    @torch.no_grad()
    def validation_loss(self, x: Tensor, c: Tensor, generator: torch.Generator) -> float:
        """What early stopping watches: the loss with its noise drawn from ``generator``."""
        return float(self.loss(x, c, generator))

    # -- likelihood (families with ``exact_likelihood``) -------------------------------------
    def feature_log_prob(self, x: Tensor, c: Tensor) -> Tensor:  # pragma: no cover - abstract
        """log p(x | c) (N,) in the feature space, for families with an exact likelihood."""
        raise NotImplementedError

    @torch.no_grad()
    def log_prob(self, energies: Tensor | np.ndarray, showers: Tensor | np.ndarray,
                 particles: Sequence[str] | None = None, generator: torch.Generator | None = None) -> Tensor:
        """Exact log-likelihood (N,) of showers (N, n_voxels) MeV at incident energies (N,) MeV, in
        nats, in the preprocessed, dequantised feature space (without the preprocessing's Jacobian).

        Empty voxels are dequantised as in training (noise from ``generator``, seed 0 by default):
        without it they sit on a delta spike where the density is not defined.
        """
        if not self.exact_likelihood:
            raise InputError(f"the {self.name} model has no exact likelihood")
        e = torch.as_tensor(np.asarray(energies), dtype=torch.float32).reshape(-1)
        s = torch.as_tensor(np.asarray(showers), dtype=torch.float32)
        if s.ndim != 2 or s.shape != (len(e), self.spec.n_voxels):
            raise InputError(f"log_prob(energies (N,), showers (N, {self.spec.n_voxels})) in MeV: got energies "
                             f"{tuple(e.shape)} and showers {tuple(s.shape)}")
        device = next(iter(self.buffers())).device
        onehot = self.particle_onehot(particles, len(e))
        x, c = self.encode(e.to(device), s.to(device), None if onehot is None else onehot.to(device),
                           generator or torch.Generator().manual_seed(0))
        return self.feature_log_prob(x, c)

    # -- generation contract ---------------------------------------------------------------
    sample_options: ClassVar[tuple[str, ...]] = ()  # the keyword options ``body`` accepts

    def body(self, **options: Any) -> nn.Module:  # pragma: no cover - abstract
        raise NotImplementedError

    def export_sampler(self, **options: Any) -> ShowerSampler:
        """The pure sampler module (noise, energies[, particles]) -> showers MeV."""
        unknown = sorted(set(options) - set(self.sample_options))
        if unknown:
            raise InputError(f"{self.name} sampling has no option(s) {', '.join(unknown)}"
                             + (f" (it has {', '.join(self.sample_options)})" if self.sample_options else ""))
        return ShowerSampler(self.body(**options), self.conditioner, self.preprocessor).eval()

    def noise_shape(self, n: int, **options: Any) -> tuple[int, ...]:
        return self.export_sampler(**options).noise_shape(n)

    def outside_training_range(self, energies: np.ndarray) -> int:
        """How many incident energies (MeV) lie outside the trained range (0.1 % tolerance)."""
        e = np.asarray(energies, dtype=np.float64).reshape(-1)
        return int(((e < self.spec.energy_min * 0.999) | (e > self.spec.energy_max * 1.001)).sum())

    @torch.no_grad()
    def sample(self, energies: Tensor | np.ndarray | Sequence[float], particles: Sequence[str] | None = None,
               generator: torch.Generator | None = None, batch_size: int = 1000, seed: int | None = None,
               warn: bool = True, **options: Any) -> np.ndarray:
        """Showers (N, n_voxels), float32 numpy, in MeV, for incident energies (N,) in **MeV**.

        ``particles``: one name for all showers or one per shower (models trained on several);
        ``seed`` or ``generator``: the noise, drawn batch by batch on the CPU, so the same seed and
        batch size give the same showers on every device (up to floating-point rounding) and the
        same as ``caloforge generate --seed`` and its ONNX graph. ``warn``: a Python warning when
        energies lie outside the trained range (10 for 10 GeV is 10 MeV: a factor 1000 off).
        """
        if generator is None and seed is not None:
            generator = torch.Generator().manual_seed(int(seed))
        energies = torch.as_tensor(np.asarray(energies), dtype=torch.float32).reshape(-1)
        outside = self.outside_training_range(energies.numpy()) if warn else 0
        if outside:
            warnings.warn(f"{outside} of {len(energies)} incident energies lie outside the training range "
                          f"{self.spec.energy_min:.4g}-{self.spec.energy_max:.4g} MeV (energies are in MeV); "
                          "the model extrapolates there", UserWarning, stacklevel=2)
        onehot = self.particle_onehot(particles, len(energies))
        sampler = self.export_sampler(**options)
        device = next(iter(self.buffers())).device
        out = []
        for start in range(0, len(energies), batch_size):
            e = energies[start:start + batch_size]
            noise = torch.randn(sampler.noise_shape(len(e)), generator=generator)
            p = None if onehot is None else onehot[start:start + batch_size].to(device)
            out.append(sampler(noise.to(device), e.to(device), p).cpu())
        return (torch.cat(out) if out else torch.zeros(0, self.spec.n_voxels)).numpy()


class LatentBody(nn.Module):
    """The body of one-pass latent models (VAE decoder, GAN generator): noise (N, latent)
    ~ N(0, 1) and c -> features (N, n_features) in one network call."""

    def __init__(self, decoder: nn.Module, latent: int) -> None:
        super().__init__()
        self.decoder, self.noise_dims = decoder, (latent,)

    def forward(self, noise: Tensor, c: Tensor) -> Tensor:
        return self.decoder(noise, c)
