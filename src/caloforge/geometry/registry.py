"""Look up a geometry by registered name or by binning XML file."""

from __future__ import annotations

from pathlib import Path

from caloforge.errors import GeometryError
from caloforge.geometry.binning import Readout
from caloforge.geometry.binning_xml import read_binning_xml
from caloforge.geometry.builtin import CHALLENGE_THRESHOLDS, GEOMETRIES
from caloforge.geometry.detector import Geometry


def list_geometries() -> list[str]:
    """Names of the registered geometries, the default first."""
    return GEOMETRIES.names()


def get_geometry(name_or_path: str) -> Geometry:
    """A registered geometry, or one built from a binning XML file.

    An XML file whose binning equals a registered geometry's (e.g. the CaloChallenge dataset-2
    file) gets that geometry's material stack; any other XML gives a readout-only geometry.
    """
    if name_or_path in GEOMETRIES:
        return GEOMETRIES.create(name_or_path)
    path = Path(name_or_path)
    if path.suffix.lower() != ".xml":
        raise GeometryError(
            f"unknown geometry {name_or_path!r} (known: {', '.join(list_geometries())}; "
            "or give a binning .xml file)"
        )
    readout = read_binning_xml(path)
    for name in list_geometries():
        known = GEOMETRIES.create(name)
        if known.readout.layers == readout.layers:
            return known
    return Geometry(name=path.name, description=f"binning read from {path}", slabs=(),
                    readout=readout, sources=str(path), voxel_threshold=_threshold_of(readout))


def _threshold_of(readout: Readout) -> float:
    """The CaloChallenge threshold when the XML is one of the official binning files (known by
    its particle and voxel count), else the default."""
    return CHALLENGE_THRESHOLDS.get((readout.pid, readout.n_voxels), Geometry.voxel_threshold)
