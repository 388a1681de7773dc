"""Shower files in the CaloChallenge HDF5 format."""

from caloforge.io.hdf5 import ShowerFile, ShowerWriter, read_random, read_showers, write_showers
from caloforge.io.showers import Showers, check_values

__all__ = ["ShowerFile", "ShowerWriter", "Showers", "check_values", "read_random", "read_showers",
           "write_showers"]
