"""A ``Geometry`` flattened into the arrays the numba kernel reads (slabs and readout binning)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caloforge.errors import GeometryError
from caloforge.geometry import Geometry

# readout layer kinds in ``ro_int[:, RO_KIND]``
KIND_EMPTY, KIND_POLAR, KIND_STRIP = -1, 0, 1
RO_KIND, RO_AXIS, RO_NR, RO_NALPHA, RO_OFFSET = range(5)
SLAB_MAT, SLAB_READOUT, SLAB_ACTIVE = range(3)


@dataclass(frozen=True)
class GeometryArrays:
    """z_edges (n_slab+1,) mm; slab_int (n_slab, 3): material index, readout layer position (-1
    for none), active flag; ro_int (n_layers, 5): kind, axis (0 x, 1 y), radial bins or cells,
    angular bins, voxel offset; ro_pitch (n_layers,) mm; ro_edges (n_layers, max_edges) mm."""

    materials: tuple[str, ...]
    z_edges: np.ndarray
    slab_int: np.ndarray
    ro_int: np.ndarray
    ro_pitch: np.ndarray
    ro_edges: np.ndarray
    half_width: float
    n_voxels: int


def geometry_arrays(geometry: Geometry) -> GeometryArrays:
    """Flatten ``geometry``; a readout-only geometry (no slabs) cannot be simulated."""
    if not geometry.simulatable:
        raise GeometryError(f"geometry {geometry.name!r} has no material stack (a bare binning file) "
                            "and cannot be simulated; use a registered geometry")
    materials = tuple(geometry.material_names())
    index = {name: i for i, name in enumerate(materials)}
    positions = geometry.slab_readout_positions()
    slab_int = np.array([[index[s.material], positions[i], int(s.active)]
                         for i, s in enumerate(geometry.slabs)], dtype=np.int64)
    layers = geometry.readout.layers
    max_edges = max(len(layer.r_edges) for layer in layers)
    ro_int = np.zeros((len(layers), 5), dtype=np.int64)
    ro_pitch = np.zeros(len(layers))
    ro_edges = np.zeros((len(layers), max_edges))
    for p, layer in enumerate(layers):
        kind = KIND_EMPTY if layer.n_voxels == 0 else (KIND_STRIP if layer.kind == "strip" else KIND_POLAR)
        ro_int[p] = (kind, 0 if layer.axis == "x" else 1, layer.n_r, layer.shape[0],
                     geometry.readout.offsets[p])
        ro_pitch[p] = layer.pitch
        ro_edges[p, :len(layer.r_edges)] = layer.r_edges
    return GeometryArrays(materials, np.ascontiguousarray(geometry.z_edges(), dtype=np.float64), slab_int,
                          ro_int, ro_pitch, ro_edges, float(geometry.half_width), geometry.n_voxels)
