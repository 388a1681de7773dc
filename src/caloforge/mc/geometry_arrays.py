"""A ``Geometry`` flattened into the arrays the numba kernel reads (slabs and readout binning)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caloforge.errors import GeometryError
from caloforge.geometry import Geometry
from caloforge.mc.navigation import (
    F_AXIS,
    N_SLAB_F,
    N_SLAB_INT,
    SLAB_ACTIVE,
    SLAB_CORE_ACTIVE,
    SLAB_CORE_MAT,
    SLAB_MAT,
    SLAB_READOUT,
    SLAB_RING_MAT,
)

# readout layer kinds in ``ro_int[:, RO_KIND]``
KIND_EMPTY, KIND_POLAR, KIND_STRIP = -1, 0, 1
RO_KIND, RO_AXIS, RO_NR, RO_NALPHA, RO_OFFSET = range(5)


@dataclass(frozen=True)
class GeometryArrays:
    """z_edges (n_slab+1,) mm; slab_int (n_slab, N_SLAB_INT) and slab_f (n_slab, N_SLAB_F): materials,
    readout layer position (-1 for none), read-out flags and fibre lattice (``navigation``);
    ro_int (n_layers, 5): kind, axis (0 x, 1 y), radial bins or cells, angular bins, voxel
    offset; ro_pitch (n_layers,) mm; ro_edges (n_layers, max_edges) mm."""

    materials: tuple[str, ...]
    z_edges: np.ndarray
    slab_int: np.ndarray
    slab_f: np.ndarray
    ro_int: np.ndarray
    ro_pitch: np.ndarray
    ro_edges: np.ndarray
    half_width: float
    n_voxels: int

    @property
    def kernel_geo(self) -> tuple[np.ndarray, ...]:
        """The ``geo`` tuple the transport functions take (``kernel_common``)."""
        return (self.z_edges, self.slab_int, self.slab_f, self.ro_int, self.ro_pitch, self.ro_edges)


def geometry_arrays(geometry: Geometry) -> GeometryArrays:
    """Flatten ``geometry``; a readout-only geometry (no slabs) cannot be simulated."""
    if not geometry.simulatable:
        raise GeometryError(f"geometry {geometry.name!r} has no material stack (a bare binning file) "
                            "and cannot be simulated; use a registered geometry")
    materials = tuple(geometry.material_names())
    index = {name: i for i, name in enumerate(materials)}
    positions = geometry.slab_readout_positions()
    z_edges = np.ascontiguousarray(geometry.z_edges(), dtype=np.float64)
    slab_int = np.zeros((len(geometry.slabs), N_SLAB_INT), dtype=np.int64)
    slab_f = np.zeros((len(geometry.slabs), N_SLAB_F))
    for i, s in enumerate(geometry.slabs):
        fib = s.fibres
        slab_int[i, [SLAB_MAT, SLAB_READOUT]] = index[s.material], positions[i]
        slab_f[i, F_AXIS] = -1.0
        if fib is None:
            slab_int[i, SLAB_ACTIVE] = int(s.active)
            continue
        slab_int[i, [SLAB_CORE_MAT, SLAB_RING_MAT, SLAB_CORE_ACTIVE]] = (
            index[fib.core_material], index[fib.cladding_material], int(s.active))
        slab_f[i] = (0.0 if fib.axis == "x" else 1.0, fib.pitch, fib.offset, 0.5 * (z_edges[i] + z_edges[i + 1]),
                     fib.core_radius, fib.outer_radius)
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
    return GeometryArrays(materials, z_edges, slab_int, slab_f, ro_int, ro_pitch, ro_edges, float(geometry.half_width),
                          geometry.n_voxels)
