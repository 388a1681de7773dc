"""CaloForge: generative fast simulation of calorimeter showers.

``import caloforge as cf`` gives the Python API of ``caloforge.api`` (``cf.simulate``,
``cf.load_model``, ``cf.evaluate``, ``cf.read_showers``, ``cf.Showers``, units ``cf.GeV``...),
imported on first use so that ``import caloforge`` and the command line stay fast.
"""

from __future__ import annotations

from typing import Any

from caloforge._version import __version__

__all__ = ["Cuts", "GeV", "Geometry", "MeV", "ShowerModel", "Showers", "TeV", "__version__", "anomaly",
           "energy_regression", "ep_separation", "evaluate", "get_geometry", "keV", "list_geometries", "load_model",
           "read_showers", "simulate", "train", "write_showers"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from caloforge import api

        return getattr(api, name)
    raise AttributeError(f"module 'caloforge' has no attribute {name!r}")
