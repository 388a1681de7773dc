"""Array-level entry point of the shower kernel in ``shower_kernel.py`` (screened Bethe-Heitler
tables of ``materials_table.py``, Sandia photoabsorption, Bohr/gamma straggling).

``run_kernel`` returns the raw voxel deposits and the per-shower energy bookkeeping; ``api`` draws
the seeds, impact points and directions and wraps the result for ``simulate``.
"""

from __future__ import annotations

import numpy as np

from caloforge.geometry import Geometry
from caloforge.mc.config import Cuts
from caloforge.mc.geometry_arrays import geometry_arrays
from caloforge.mc.kernel_common import N_ACC, N_PAR
from caloforge.mc.materials_table import build_tables
from caloforge.mc.shower_kernel import run_showers

PARTICLE_CODE = {"photon": 0, "electron": 1, "positron": 2, "mu-": 3, "mu+": 4, "pi+": 5, "pi-": 6, "proton": 7,
                 "neutron": 8}


def run_kernel(geometry: Geometry, particle: str, energies: np.ndarray, seeds: np.ndarray,
               start_xy: np.ndarray, directions: np.ndarray, cuts: Cuts | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Transport N showers entering the front face (z = 0).

    energies: (N,) kinetic energies, MeV; seeds: (N,) int64, one per shower; start_xy: (N, 2) mm;
    directions: (N, 3) unit vectors with a positive z component. Returns (deposits (N, n_voxels)
    MeV float64: the light, with photo-electron statistics where the geometry has them), accounting
    (N, N_ACC): see ``kernel_common``, deposit per slab (N, n_slabs) MeV).
    """
    cuts = cuts or Cuts()
    arrays = geometry_arrays(geometry)
    tables = build_tables(arrays.materials, cuts)
    par = np.zeros(N_PAR)
    par[:] = (cuts.gamma_cut, cuts.e_cut, cuts.range_rejection_below, cuts.max_step_X0,
              cuts.max_step_range, tables.ln_e_min, tables.inv_dln_e, geometry.photoelectrons_per_mev)
    n = len(energies)
    n_slabs = len(arrays.z_edges) - 1
    deposits, accounting = np.zeros((n, arrays.n_voxels)), np.zeros((n, N_ACC + n_slabs))
    run_showers(np.asarray(seeds, dtype=np.int64), PARTICLE_CODE[particle], np.asarray(energies, dtype=np.float64),
                np.ascontiguousarray(start_xy, dtype=np.float64), np.ascontiguousarray(directions, dtype=np.float64),
                arrays.kernel_geo, arrays.half_width, tables.tables, tables.matpar, par, deposits, accounting)
    return deposits, accounting[:, :N_ACC], accounting[:, N_ACC:]
