"""Where the trainer's batches come from.

Empty voxels are dequantised (replaced by small uniform noise, see ``PreprocessConfig``).
Drawing that noise once for the whole training set lets a large model memorise it: a
two-stage flow on 10^4 ams-ecal showers reached a training NLL of 1.12 nats per feature while
the held-out NLL rose from 1.44 to 3.0 within 3000 steps. ``ShowerBatches`` therefore keeps the
showers in MeV and encodes every batch with fresh noise, seeded by (seed, step) so that a run
and its resumption see the same numbers.

With ``symmetries`` (the readout's transverse symmetry group, ``training.augment``) every shower
of a batch is also replaced by a uniformly drawn image of itself under that group.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from caloforge.models.base import ShowerModel


class ShowerBatches:
    """Training showers (MeV) encoded batch by batch, with dequantisation noise redrawn per step
    and, given ``symmetries`` ((G, n_voxels) voxel permutations), random symmetry images."""

    def __init__(self, model: ShowerModel, energies: np.ndarray, showers: np.ndarray,
                 particle: np.ndarray | None, seed: int, symmetries: np.ndarray | None = None) -> None:
        self.model, self.seed = model, int(seed)
        self.symmetries = None if symmetries is None or len(symmetries) < 2 else torch.from_numpy(
            np.asarray(symmetries, np.int64))
        self.energies = torch.from_numpy(np.asarray(energies, np.float32))
        self.showers = torch.from_numpy(np.asarray(showers, np.float32))
        self.particles = model.particle_onehot_of_index(particle)

    def __len__(self) -> int:
        return len(self.energies)

    @torch.no_grad()
    def batch(self, index: Tensor, step: int) -> tuple[Tensor, Tensor]:
        device = next(iter(self.model.buffers())).device
        index = index.cpu()
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + 7_919 * step + 1)
        p = None if self.particles is None else self.particles[index].to(device)
        showers = self.showers[index]
        if self.symmetries is not None:
            image = torch.randint(len(self.symmetries), (len(index),), generator=generator)
            showers = torch.gather(showers, 1, self.symmetries[image])
        return self.model.encode(self.energies[index].to(device), showers.to(device), p, generator)
