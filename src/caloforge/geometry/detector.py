"""A detector: a longitudinal stack of material slabs plus the readout binning of its cells."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from caloforge.errors import GeometryError
from caloforge.geometry.binning import Readout
from caloforge.geometry.materials import Material, get_material


@dataclass(frozen=True)
class FibreLattice:
    """A row of round fibres embedded in a slab (the slab's own material fills the rest).

    The fibres run along the transverse axis other than ``axis``; their centres sit in the slab's
    mid-plane at ``axis`` = offset + k * pitch (k any integer). Each fibre is a scintillating core
    of ``core_radius`` (read out when the slab is active) inside a passive ring of
    ``cladding_material`` up to ``outer_radius`` (cladding and glue). Lengths in mm.
    """

    core_material: str
    cladding_material: str
    core_radius: float
    outer_radius: float
    pitch: float
    offset: float = 0.0
    axis: str = "x"

    def area_fractions(self, thickness: float) -> tuple[float, float]:
        """(core, ring) fractions of the slab's cross-section (the slab material holds the rest)."""
        cell = self.pitch * thickness
        core = math.pi * self.core_radius ** 2
        return core / cell, math.pi * self.outer_radius ** 2 / cell - core / cell


@dataclass(frozen=True)
class Slab:
    """A slab of one material, perpendicular to the beam (z) axis, optionally with embedded fibres.

    ``readout_layer`` is the XML id of the readout layer that collects the energy deposited in
    this slab; only ``active`` slabs are read out (deposits in absorbers are invisible). In a slab
    with ``fibres``, only the fibre cores are active (the slab material is then the absorber).
    """

    material: str
    thickness: float  # mm
    active: bool = False
    readout_layer: int = -1
    fibres: FibreLattice | None = None

    def composition(self) -> tuple[tuple[str, float, bool], ...]:
        """(material, volume fraction, read out) of every region of the slab."""
        if self.fibres is None:
            return ((self.material, 1.0, self.active),)
        core, ring = self.fibres.area_fractions(self.thickness)
        return ((self.material, 1.0 - core - ring, False), (self.fibres.core_material, core, self.active),
                (self.fibres.cladding_material, ring, False))

    def mean_over(self, per_mm: Callable[[Material], float]) -> float:
        """Volume-weighted mean of a per-mm quantity (1/X0, 1/lambda, dE/dx) over the slab."""
        return sum(f * per_mm(get_material(name)) for name, f, _ in self.composition())

    def active_fraction(self) -> float:
        """The fraction of the slab's volume that is read out."""
        return sum(f for _, f, active in self.composition() if active)


@dataclass(frozen=True)
class Geometry:
    """Slabs (front to back, starting at z = 0) + readout; transverse extent |x|, |y| < half_width.

    A geometry read from a bare binning XML has no slabs: it can describe and check shower files
    but not be simulated.
    """

    name: str
    description: str
    slabs: tuple[Slab, ...]
    readout: Readout
    half_width: float = 1000.0  # mm
    sources: str = ""
    # Voxel threshold (MeV) of the evaluation: deposits below it count as empty. CaloChallenge:
    # 1 MeV for dataset 1, 15.15 keV (half a MIP in 0.3 mm Si) for datasets 2 and 3. Default
    # 0.1 MeV: about a third of a MIP's deposit in a thin active layer (AMS-ECAL fibres) and far
    # below a crystal's noise-free shower core, so only numerical dust is removed.
    voxel_threshold: float = 0.1
    # Mean photo-electrons per MeV of scintillation light at the photodetector (light yield x
    # trapping x quantum efficiency): the Monte Carlo draws each cell's signal as a Poisson number
    # of photo-electrons. 0 = the signal is the (quenched) deposit itself.
    photoelectrons_per_mev: float = 0.0

    def __post_init__(self) -> None:
        ids = {layer.id for layer in self.readout.layers}
        for slab in self.slabs:
            for material, _, _ in slab.composition():
                get_material(material)
            if slab.thickness <= 0:
                raise GeometryError(f"{self.name}: slab thickness must be positive")
            fib = slab.fibres
            if fib is not None and not (0 < fib.core_radius <= fib.outer_radius < 0.5 * min(fib.pitch, slab.thickness)):
                raise GeometryError(f"{self.name}: fibres must satisfy 0 < core radius <= outer radius < half the "
                                    "pitch and half the slab thickness")
            if slab.active and slab.readout_layer >= 0 and slab.readout_layer not in ids:
                raise GeometryError(f"{self.name}: slab reads out into unknown layer {slab.readout_layer}")

    @property
    def simulatable(self) -> bool:
        """True when the material stack is known (the Monte Carlo can run in it)."""
        return bool(self.slabs)

    @property
    def n_voxels(self) -> int:
        return self.readout.n_voxels

    def z_edges(self) -> np.ndarray:
        """Slab boundaries in mm, length n_slabs + 1."""
        return np.concatenate([[0.0], np.cumsum([s.thickness for s in self.slabs])])

    def depth_mm(self) -> float:
        return float(sum(s.thickness for s in self.slabs))

    def slab_depths_X0(self) -> np.ndarray:
        """Thickness of every slab in radiation lengths (fibre slabs: volume-weighted)."""
        return np.array([s.thickness * s.mean_over(lambda m: 1.0 / m.X0_mm) for s in self.slabs])

    def depth_X0(self) -> float:
        """Total depth in radiation lengths."""
        return float(self.slab_depths_X0().sum())

    def depth_lambda(self) -> float:
        """Total depth in nuclear interaction lengths."""
        return float(sum(s.thickness * s.mean_over(lambda m: 0.1 / m.interaction_length_cm) for s in self.slabs))

    def material_names(self) -> list[str]:
        """Materials of the stack (fibre regions included), in order of first appearance."""
        return list(dict.fromkeys(name for s in self.slabs for name, _, _ in s.composition()))

    def active_mm_per_layer(self) -> float:
        """Mean path (mm) of a straight, normally incident track in the read-out material per layer."""
        return sum(s.thickness * s.active_fraction() for s in self.slabs) / len(self.readout.active_layers)

    def slab_readout_positions(self) -> np.ndarray:
        """For each slab, the position in ``readout.layers`` it deposits into, or -1."""
        positions = {layer.id: p for p, layer in enumerate(self.readout.layers)}
        return np.array(
            [positions[s.readout_layer] if s.active and s.readout_layer >= 0 else -1 for s in self.slabs],
            dtype=np.int64,
        )

    def layer_depth_X0(self) -> np.ndarray:
        """Depth (X0) of the centre of each non-empty readout layer, from its active slabs."""
        return self._layer_centres(np.concatenate([[0.0], np.cumsum(self.slab_depths_X0())]))

    def layer_depth_mm(self) -> np.ndarray:
        """Depth (mm) of the centre of each non-empty readout layer, from its active slabs."""
        return self._layer_centres(self.z_edges())

    def _layer_centres(self, t_edges: np.ndarray) -> np.ndarray:
        centres = 0.5 * (t_edges[1:] + t_edges[:-1])
        positions = self.slab_readout_positions()
        out = []
        for layer in self.readout.active_layers:
            p = self.readout.position_of(layer.id)
            sel = positions == p
            out.append(float(centres[sel].mean()) if sel.any() else float("nan"))
        return np.array(out)

    def sampling_fraction_mip(self) -> float:
        """Visible fraction of a minimum-ionising particle's energy loss (PDG dE/dx_min)."""
        def loss(slab: Slab, active_only: bool) -> float:
            return sum(f * get_material(name).density * get_material(name).dedx_min * slab.thickness / 10.0
                       for name, f, active in slab.composition() if active or not active_only)  # MeV

        total = sum(loss(s, False) for s in self.slabs)
        visible = sum(loss(s, True) for s in self.slabs)
        return visible / total if total else float("nan")

    def summary(self) -> dict[str, object]:
        """Key facts for ``caloforge geometry show``."""
        readout = self.readout
        return {
            "name": self.name,
            "description": self.description,
            "materials": ", ".join(self.material_names()) or "(readout only)",
            "slabs": len(self.slabs),
            "depth_mm": round(self.depth_mm(), 2),
            "depth_X0": round(self.depth_X0(), 2),
            "depth_lambda_I": round(self.depth_lambda(), 3),
            "mip_sampling_fraction": round(self.sampling_fraction_mip(), 4) if self.slabs else None,
            "readout_layers": len(readout.active_layers),
            "cells_per_layer": [layer.n_voxels for layer in readout.active_layers],
            "n_voxels": readout.n_voxels,
            "image_shape": readout.image_shape,
            "half_width_mm": self.half_width,
            "particle (binned for)": readout.particle,
            "voxel_threshold_MeV (evaluation)": self.voxel_threshold,
            "photoelectrons_per_MeV": self.photoelectrons_per_mev or None,
            "sources": self.sources,
        }
