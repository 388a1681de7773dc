"""The Python API, for notebooks: ``import caloforge as cf``.

    showers = cf.simulate("1GeV:100GeV", n=1000, geometry="ams-ecal", seed=1)   # cf.Showers, MeV
    cf.write_showers("train.h5", showers)
    model = cf.train("train.h5", "runs/flow", max_steps=200)             # or cf.load_model("runs/flow")
    generated = model.sample(showers.energies, seed=1)    # numpy (N, n_voxels), MeV
    metrics = cf.evaluate(showers, cf.Showers(showers.energies, generated), out="report")

Energies given as text need a unit (``"10GeV"``); arrays of numbers are MeV, CaloForge's (and
Geant4's) internal unit: multiply by ``cf.GeV`` to be explicit (``[10 * cf.GeV]``). Every call
takes a seed and gives the numbers of the matching ``caloforge`` command with that seed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from caloforge.errors import InputError
from caloforge.geometry import Geometry, get_geometry, list_geometries
from caloforge.io import Showers, read_showers, write_showers
from caloforge.mc import Cuts
from caloforge.models import ShowerModel, load_model
from caloforge.units import GeV, MeV, TeV, keV

__all__ = ["Cuts", "GeV", "Geometry", "MeV", "ShowerModel", "Showers", "TeV", "anomaly", "energy_regression",
           "ep_separation", "evaluate", "get_geometry", "keV",
           "list_geometries", "load_model", "read_showers", "simulate", "train", "write_showers"]


def simulate(energy: str | float | np.ndarray | list[float], n: int | None = None, geometry: str = "ams-ecal",
             particle: str | None = None, seed: int = 0, cuts: Cuts | None = None,
             impact: tuple[float, float] = (0.0, 0.0), impact_spread: float = 0.0,
             angle_spread: float = 0.0) -> Showers:
    """Showers of the built-in Monte Carlo (MeV per voxel, CaloChallenge voxel order).

    ``energy``: a specification with units as on the command line (``"10GeV"``, ``"1GeV,10GeV"``,
    ``"1GeV:100GeV"`` log-uniform) with ``n`` showers, or incident energies in MeV (one shower
    each). ``particle``: e-, e+, photon, mu-, mu+, p, pi+, pi- or n (default: the one the geometry is
    binned for). ``impact``
    in mm, ``impact_spread`` in mm, ``angle_spread`` in rad. With a specification the showers are
    those of ``caloforge simulate`` with the same arguments and ``--seed``.
    """
    from caloforge.mc.runner import RunSpec, simulate_chunk

    particle = particle or get_geometry(geometry).readout.particle
    if isinstance(energy, str):
        if n is None:
            raise InputError("an energy specification needs n, the number of showers")
        spec = RunSpec(geometry, particle, energy, n, seed, cuts or Cuts(), impact, impact_spread, angle_spread)
        showers = simulate_chunk(spec, 0, spec.incident_energies())
        return Showers(showers.energies, showers.showers, spec.attrs())
    from caloforge.mc import simulate as run_mc

    return run_mc(geometry, particle, np.atleast_1d(np.asarray(energy, dtype=np.float64)), seed, cuts, impact,
                  impact_spread, angle_spread)


def train(data: str | os.PathLike[str] | list[str | os.PathLike[str]], out: str | os.PathLike[str],
          model: str | None = None, config: str | os.PathLike[str] | None = None, resume: bool = False,
          **training: Any) -> ShowerModel:
    """``caloforge train``: fit a model family (default: the flow, with the geometry's shipped
    config) on shower files into the run folder ``out``; ``training``: ``TrainConfig`` fields
    (``max_steps``, ``max_minutes``, ``seed``, ``device``...). Returns the trained model."""
    from caloforge.stages.train import train_model

    paths = [Path(p) for p in (data if isinstance(data, list) else [data])]
    train_model(paths, Path(out), model, None if config is None else Path(config), resume, **training)
    return load_model(out)


def evaluate(reference: Showers | str | os.PathLike[str], generated: Showers | str | os.PathLike[str],
             out: str | os.PathLike[str] | None = None, geometry: str | None = None, seed: int = 0,
             quick: bool = False, threshold: float | None = None, power: bool = False) -> dict[str, Any]:
    """The CaloChallenge validation of ``generated`` against ``reference`` (samples or files):
    the ``metrics.json`` dict of ``caloforge evaluate``; with ``out`` also its report there.
    ``threshold``: voxel threshold in MeV (default: the geometry's); ``power``: as ``--power``."""
    from caloforge.stages.evaluate import evaluate as run_evaluation
    from caloforge.validate.checks import resolve_geometry

    ref = reference if isinstance(reference, Showers) else read_showers(reference)
    gen = generated if isinstance(generated, Showers) else read_showers(generated)
    if not gen.geometry and ref.geometry:
        gen = Showers(gen.energies, gen.showers, {**gen.attrs, "geometry": ref.geometry})
    geo = resolve_geometry(ref, gen, geometry)
    files = {"reference": str(reference) if not isinstance(reference, Showers) else "(in memory)",
             "generated": str(generated) if not isinstance(generated, Showers) else "(in memory)"}
    if out is not None:
        return run_evaluation(ref, gen, geo, Path(out), seed=seed, quick=quick, threshold=threshold, files=files,
                              power=power)
    with tempfile.TemporaryDirectory() as tmp:
        return run_evaluation(ref, gen, geo, Path(tmp), seed=seed, quick=quick, threshold=threshold, files=files,
                              power=power)


def ep_separation(electrons: Showers | str | os.PathLike[str], protons: Showers | str | os.PathLike[str],
                  test_electrons: Showers | str | os.PathLike[str] | None = None,
                  test_protons: Showers | str | os.PathLike[str] | None = None,
                  out: str | os.PathLike[str] | None = None, seed: int = 0, **settings: Any) -> dict[str, Any]:
    """The e/p BDT of ``caloforge physics ep-separation``: trained on (electrons, protons), the
    proton rejection measured on the test samples (or on a seeded half of the training ones) in
    bins of measured energy; ``settings`` are fields of ``caloforge.tasks.ep_separation.EPConfig``
    (bins_gev, efficiencies, use_cells, ...). With ``out`` also its JSON and plots there."""
    from caloforge.stages.physics import ep_separation_samples
    from caloforge.tasks.ep_separation import EPConfig

    if (test_electrons is None) != (test_protons is None):
        raise InputError("give both test_electrons and test_protons, or neither")
    tests = None if test_electrons is None or test_protons is None else (_load(test_electrons), _load(test_protons))
    return ep_separation_samples(_load(electrons), _load(protons), None if out is None else Path(out), tests,
                                 config=EPConfig(seed=seed, **settings))


def _load(x: Showers | str | os.PathLike[str]) -> Showers:
    return x if isinstance(x, Showers) else read_showers(x)


def energy_regression(train: Showers | str | os.PathLike[str], test: Showers | str | os.PathLike[str],
                      out: str | os.PathLike[str] | None = None, seed: int = 0, **settings: Any) -> dict[str, Any]:
    """The BDT energy correction of ``caloforge physics energy-regression``: trained on ``train``
    electrons (a continuum of energies), linearity and resolution fits on ``test`` (discrete
    energies); ``settings`` are fields of ``caloforge.tasks.energy_regression.RegressionConfig``."""
    from caloforge.stages.physics import energy_regression_samples
    from caloforge.tasks.energy_regression import RegressionConfig

    return energy_regression_samples(_load(train), _load(test), None if out is None else Path(out),
                                     RegressionConfig(seed=seed, **settings))


def anomaly(train: Showers | str | os.PathLike[str], test: Showers | str | os.PathLike[str],
            protons: Showers | str | os.PathLike[str] | None = None, out: str | os.PathLike[str] | None = None,
            seed: int = 0, **settings: Any) -> dict[str, Any]:
    """The autoencoder anomaly score of ``caloforge physics anomaly``: trained on ``train``
    electrons, how it flags faults injected into ``test`` and the showering ``protons``;
    ``settings`` are fields of ``caloforge.tasks.anomaly.AnomalyConfig``."""
    from caloforge.stages.physics import anomaly_samples
    from caloforge.tasks.anomaly import AnomalyConfig

    return anomaly_samples(_load(train), _load(test), None if out is None else Path(out),
                           None if protons is None else _load(protons), config=AnomalyConfig(seed=seed, **settings))

