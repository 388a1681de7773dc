"""Training data: one or more shower files of one geometry, read into memory."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from caloforge.errors import InputError
from caloforge.geometry import Geometry, get_geometry, list_geometries
from caloforge.io import read_showers
from caloforge.units import parse_energy_spec


@dataclass
class TrainingData:
    """energies (N,) MeV, showers (N, n_voxels) MeV, particle (N,) index into ``particles``;
    energy_range (MeV): the range the files say their energies were drawn from (None: unknown)."""

    geometry: Geometry
    energies: np.ndarray
    showers: np.ndarray
    particle: np.ndarray
    particles: tuple[str, ...]
    energy_range: tuple[float, float] | None = None

    def __len__(self) -> int:
        return len(self.energies)


def _geometry_of(attrs: dict[str, object], n_voxels: int, path: str) -> Geometry:
    name = str(attrs.get("geometry", "") or "")
    if name:
        geometry = get_geometry(name)
    else:
        matches = [g for g in list_geometries() if get_geometry(g).n_voxels == n_voxels]
        if len(matches) != 1:
            raise InputError(f"{path}: no 'geometry' attribute and {n_voxels} voxels match "
                             f"{matches or 'no registered geometry'}")
        geometry = get_geometry(matches[0])
    if geometry.n_voxels != n_voxels:
        raise InputError(f"{path}: {n_voxels} voxels, but geometry {geometry.name} has {geometry.n_voxels}")
    return geometry


def load_training_data(paths: list[str | os.PathLike[str]]) -> TrainingData:
    """Read every file into memory; all must share one geometry. Particles come from file attributes."""
    if not paths:
        raise InputError("give at least one training file (--data FILE)")
    parts = [read_showers(p) for p in paths]
    geometries = {_geometry_of(s.attrs, s.n_voxels, str(p)).name for s, p in zip(parts, paths, strict=True)}
    if len(geometries) != 1:
        raise InputError(f"training files mix geometries {sorted(geometries)}")
    names = [s.particle or "unknown" for s in parts]
    particles = tuple(sorted(set(names)))
    return TrainingData(
        geometry=get_geometry(geometries.pop()),
        energies=np.concatenate([s.energies for s in parts]),
        showers=np.concatenate([s.showers for s in parts]),
        particle=np.concatenate([np.full(len(s), particles.index(n)) for s, n in zip(parts, names, strict=True)]),
        particles=particles,
        energy_range=_drawn_range([s.attrs for s in parts]),
    )


def _drawn_range(attrs: list[dict[str, object]]) -> tuple[float, float] | None:
    """The range of incident energies (MeV) the files were drawn from, from the ``energy``
    specification ``caloforge simulate`` stores (``1GeV:100GeV``, a list, a value); None when a
    file does not say. A sample's own extremes lie inside it, so a held-out sample drawn from the
    same specification is not flagged as extrapolation."""
    lows, highs = [], []
    for a in attrs:
        try:
            _, values = parse_energy_spec(str(a.get("energy", "")))
        except InputError:
            return None
        lows.append(float(values.min()))
        highs.append(float(values.max()))
    return (min(lows), max(highs)) if lows else None
