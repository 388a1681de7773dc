"""Input checks before an evaluation: one geometry, matching voxel counts, overlapping energies.

Energy rule: every generated incident energy must lie inside the reference range widened by
``ENERGY_MARGIN`` (10 %) on each side, i.e. in [E_min / 1.1, E_max * 1.1]. Outside it the
reference has no showers to compare with, so the comparison would be meaningless. A looser rule
holds the other way round: the bulk of the reference (its 5-95 % quantiles) must lie inside the
generated range widened by a factor ``BULK_MARGIN`` (2), or (say) 50 GeV showers would be judged
against a 1-100 GeV sample and every feature would differ for a reason that has nothing to do
with the generator.

Geometry rule: the one named, else the one the files record, else the single registered geometry
with the files' voxel count (plain CaloChallenge files carry no CaloForge attributes).
"""

from __future__ import annotations

import numpy as np

from caloforge.errors import GeometryError, InputError
from caloforge.geometry import Geometry, get_geometry, list_geometries
from caloforge.io import Showers

ENERGY_MARGIN = 1.1
BULK_QUANTILES = (0.05, 0.95)
BULK_MARGIN = 2.0
MIN_SHOWERS = 50  # the classifier needs a few showers in each of its three splits


def resolve_geometry(ref: Showers, gen: Showers, override: str | None = None) -> Geometry:
    """The geometry to evaluate with: ``override``, else the files' (which must agree)."""
    if ref.n_voxels != gen.n_voxels:
        raise GeometryError(f"reference has {ref.n_voxels} voxels per shower, generated has "
                            f"{gen.n_voxels}: the files are of different geometries")
    if ref.geometry and gen.geometry and ref.geometry != gen.geometry:
        raise GeometryError(f"geometry mismatch: reference is {ref.geometry!r}, generated is "
                            f"{gen.geometry!r}")
    name = override or ref.geometry or gen.geometry or _geometry_by_voxels(ref.n_voxels)
    geometry = get_geometry(name)
    if geometry.n_voxels != ref.n_voxels:
        raise GeometryError(f"geometry {geometry.name} has {geometry.n_voxels} voxels, the files "
                            f"have {ref.n_voxels}")
    return geometry


def _geometry_by_voxels(n_voxels: int) -> str:
    matches = [name for name in list_geometries() if get_geometry(name).n_voxels == n_voxels]
    if len(matches) != 1:
        known = f"registered geometries {', '.join(matches)} all have" if matches else "no registered geometry has"
        raise InputError(f"neither file records its geometry and {known} {n_voxels} voxels; "
                         "pass --geometry NAME or a binning XML")
    return matches[0]


def check_fits(ref: Showers, gen: Showers, geometry: Geometry) -> None:
    """Raise ``GeometryError`` unless both samples have the geometry's voxel count."""
    for label, s in (("reference", ref), ("generated", gen)):
        if s.n_voxels != geometry.n_voxels:
            raise GeometryError(f"{label} sample has {s.n_voxels} voxels per shower, geometry "
                                f"{geometry.name} has {geometry.n_voxels}")


def check_energies(ref: Showers, gen: Showers) -> None:
    """Raise ``InputError`` when the samples are too small or the energy ranges do not overlap."""
    for label, s in (("reference", ref), ("generated", gen)):
        if len(s) < MIN_SHOWERS:
            raise InputError(f"{label} sample has {len(s)} showers; at least {MIN_SHOWERS} needed")
    lo, hi = float(ref.energies.min()), float(ref.energies.max())
    glo, ghi = float(gen.energies.min()), float(gen.energies.max())
    if glo < lo / ENERGY_MARGIN or ghi > hi * ENERGY_MARGIN:
        raise InputError(
            f"energy ranges differ: generated incident energies span {glo:.4g}-{ghi:.4g} MeV, "
            f"reference {lo:.4g}-{hi:.4g} MeV (allowed: within the reference range widened by "
            f"{(ENERGY_MARGIN - 1) * 100:.0f} %)")
    qlo, qhi = (float(q) for q in np.quantile(ref.energies, BULK_QUANTILES))
    if qlo < glo / BULK_MARGIN or qhi > ghi * BULK_MARGIN:
        raise InputError(
            f"energy ranges differ: 90 % of the reference lies in {qlo:.4g}-{qhi:.4g} MeV, but the "
            f"generated incident energies span only {glo:.4g}-{ghi:.4g} MeV (generate with --like "
            f"REFERENCE to compare like with like)")
