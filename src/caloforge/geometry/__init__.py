"""Detector geometries: material stacks and readout binnings (one registry for all)."""

from caloforge.geometry.binning import LayerBinning, Readout
from caloforge.geometry.binning_xml import (
    read_binning_xml,
    readout_from_xml_string,
    readout_to_xml_string,
    write_binning_xml,
)
from caloforge.geometry.builtin import GEOMETRIES
from caloforge.geometry.detector import FibreLattice, Geometry, Slab
from caloforge.geometry.materials import MATERIALS, Material, get_material
from caloforge.geometry.registry import get_geometry, list_geometries

DEFAULT_GEOMETRY = "ams-ecal"

__all__ = [
    "DEFAULT_GEOMETRY", "GEOMETRIES", "MATERIALS", "FibreLattice", "Geometry", "LayerBinning", "Material",
    "Readout", "Slab", "get_geometry", "get_material", "list_geometries", "read_binning_xml",
    "readout_from_xml_string", "readout_to_xml_string", "write_binning_xml",
]
