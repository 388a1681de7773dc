"""In-memory shower samples, in the CaloChallenge layout (MeV, geometry voxel order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from caloforge.errors import ShowerFileError


@dataclass
class Showers:
    """A sample of showers.

    energies: incident energies, shape (N,), MeV. showers: deposited energy per voxel, shape
    (N, n_voxels), MeV, float32, in the geometry's voxel order. ``attrs`` holds provenance
    (geometry, particle, generator, seed, ...) that is written to HDF5 as file attributes.
    """

    energies: np.ndarray
    showers: np.ndarray
    attrs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.energies = np.asarray(self.energies, dtype=np.float32).reshape(-1)
        self.showers = np.asarray(self.showers, dtype=np.float32)
        if self.showers.ndim != 2 or self.showers.shape[0] != self.energies.shape[0]:
            raise ShowerFileError(
                f"showers must have shape (N, n_voxels) with N = {self.energies.shape[0]} "
                f"incident energies, got {self.showers.shape}"
            )

    def __len__(self) -> int:
        return int(self.energies.shape[0])

    @property
    def n_voxels(self) -> int:
        return int(self.showers.shape[1])

    @property
    def geometry(self) -> str:
        return str(self.attrs.get("geometry", ""))

    @property
    def particle(self) -> str:
        return str(self.attrs.get("particle", ""))

    def total_energy(self) -> np.ndarray:
        """Visible energy per shower (sum over voxels), MeV."""
        return self.showers.sum(axis=1, dtype=np.float64)

    def subset(self, index: slice | np.ndarray) -> Showers:
        """A new sample with the selected showers (same attributes)."""
        return Showers(self.energies[index], self.showers[index], dict(self.attrs))

    @staticmethod
    def concatenate(parts: list[Showers]) -> Showers:
        """Join samples of the same geometry, keeping the first sample's attributes."""
        if not parts:
            raise ShowerFileError("nothing to concatenate")
        return Showers(
            np.concatenate([p.energies for p in parts]),
            np.concatenate([p.showers for p in parts]),
            dict(parts[0].attrs),
        )


def check_values(energies: np.ndarray, showers: np.ndarray, source: str) -> None:
    """Raise ``ShowerFileError`` for NaN/inf values, negative deposits or non-positive energies."""
    if not np.all(np.isfinite(energies)):
        raise ShowerFileError(f"{source}: incident_energies contain NaN or inf")
    if np.any(energies <= 0):
        raise ShowerFileError(f"{source}: incident_energies must be positive (MeV)")
    if not np.all(np.isfinite(showers)):
        raise ShowerFileError(f"{source}: showers contain NaN or inf")
    if np.any(showers < 0):
        raise ShowerFileError(f"{source}: showers contain negative energies")
