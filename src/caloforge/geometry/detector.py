"""A detector: a longitudinal stack of material slabs plus the readout binning of its cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caloforge.errors import GeometryError
from caloforge.geometry.binning import Readout
from caloforge.geometry.materials import get_material


@dataclass(frozen=True)
class Slab:
    """A slab of one material, perpendicular to the beam (z) axis.

    ``readout_layer`` is the XML id of the readout layer that collects the energy deposited in
    this slab; only ``active`` slabs are read out (deposits in absorbers are invisible).
    """

    material: str
    thickness: float  # mm
    active: bool = False
    readout_layer: int = -1


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

    def __post_init__(self) -> None:
        ids = {layer.id for layer in self.readout.layers}
        for slab in self.slabs:
            get_material(slab.material)
            if slab.thickness <= 0:
                raise GeometryError(f"{self.name}: slab thickness must be positive")
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

    def depth_X0(self) -> float:
        """Total depth in radiation lengths."""
        return float(sum(s.thickness / get_material(s.material).X0_mm for s in self.slabs))

    def depth_lambda(self) -> float:
        """Total depth in nuclear interaction lengths."""
        return float(sum(s.thickness / (10 * get_material(s.material).interaction_length_cm)
                         for s in self.slabs))

    def material_names(self) -> list[str]:
        """Materials of the stack, in order of first appearance."""
        return list(dict.fromkeys(s.material for s in self.slabs))

    def slab_readout_positions(self) -> np.ndarray:
        """For each slab, the position in ``readout.layers`` it deposits into, or -1."""
        positions = {layer.id: p for p, layer in enumerate(self.readout.layers)}
        return np.array(
            [positions[s.readout_layer] if s.active and s.readout_layer >= 0 else -1 for s in self.slabs],
            dtype=np.int64,
        )

    def layer_depth_X0(self) -> np.ndarray:
        """Depth (X0) of the centre of each non-empty readout layer, from its active slabs."""
        edges = self.z_edges()
        x0 = np.array([get_material(s.material).X0_mm for s in self.slabs])
        t_edges = np.concatenate([[0.0], np.cumsum(np.diff(edges) / x0)])
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
        def loss(slab: Slab) -> float:
            m = get_material(slab.material)
            return m.density * m.dedx_min * slab.thickness / 10.0  # MeV

        total = sum(loss(s) for s in self.slabs)
        visible = sum(loss(s) for s in self.slabs if s.active)
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
            "sources": self.sources,
        }
