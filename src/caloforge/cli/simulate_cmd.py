"""``caloforge simulate``: reference showers from the built-in Monte Carlo, as a CaloChallenge file.

Writes chunk by chunk to ``OUT.partial`` (renamed to ``OUT`` when complete), so an interrupted run
continues with ``--resume`` without losing or duplicating showers; the same seed gives the same
file whatever ``--workers`` is.
"""

from __future__ import annotations

from pathlib import Path

import typer

from caloforge.cli.common import SEED_OPTION, handle_errors, out
from caloforge.errors import InputError
from caloforge.geometry import DEFAULT_GEOMETRY
from caloforge.mc.api import Cuts
from caloforge.mc.runner import RunSpec
from caloforge.stages.simulate import simulate_file
from caloforge.units import parse_energy

DEFAULT_CUTS = Cuts()


def _cuts(e_cut: str | None, gamma_cut: str | None) -> Cuts:
    return Cuts(e_cut=parse_energy(e_cut) if e_cut else DEFAULT_CUTS.e_cut,
                gamma_cut=parse_energy(gamma_cut) if gamma_cut else DEFAULT_CUTS.gamma_cut)


def _check_target(path: Path, resume: bool, force: bool) -> None:
    if path.exists() and not force:
        hint = "it is complete; " if resume else ""
        raise InputError(f"{path} exists ({hint}use --force to overwrite it)")
    partial = Path(str(path) + ".partial")
    if partial.exists() and not resume and not force:
        raise InputError(f"{partial} holds an interrupted run: add --resume to continue it or --force to restart")


@handle_errors
def simulate(
    geometry: str = typer.Option(DEFAULT_GEOMETRY, "--geometry", "-g",
                                 help="Registered geometry with a material stack."),
    particle: str = typer.Option(None, "--particle", help="e-, e+, photon (gamma), mu-, mu+, p (proton), pi+, pi- "
                                 "or n (neutron); default: the particle the geometry is binned for (ams-ecal: e-, "
                                 "ds1-photon-like: photon, fe-scint-hcal: pi+)."),
    energy: str = typer.Option(..., "--energy", help="Incident kinetic energy: 10GeV, 1GeV,10GeV or 1GeV:100GeV "
                                                     "(log-uniform)."),
    n: int = typer.Option(..., "--n", help="Number of showers."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Output HDF5 file (CaloChallenge layout)."),
    workers: int = typer.Option(1, "--workers", help="Worker processes."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run (OUT.partial)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing output file."),
    e_cut: str = typer.Option(None, "--e-cut", help=f"e+- cut, e.g. 0.5MeV (default {DEFAULT_CUTS.e_cut} MeV)."),
    gamma_cut: str = typer.Option(None, "--gamma-cut",
                                  help=f"Photon cut, e.g. 30keV (default {DEFAULT_CUTS.gamma_cut * 1e3:g} keV)."),
    impact_x: float = typer.Option(0.0, "--impact-x", help="Impact point x (mm)."),
    impact_y: float = typer.Option(0.0, "--impact-y", help="Impact point y (mm)."),
    impact_spread: float = typer.Option(0.0, "--impact-spread", help="Gaussian spread of the impact point (mm)."),
    angle_spread: float = typer.Option(0.0, "--angle-spread", help="Gaussian spread of the polar angle (rad)."),
    chunk_size: int = typer.Option(None, "--chunk-size", min=1, help="Showers per chunk (does not change results)."),
    seed: int = SEED_OPTION,
) -> None:
    """Simulate showers of electrons, photons, muons and hadrons with the built-in reference Monte Carlo."""
    if particle is None:
        from caloforge.geometry import get_geometry

        particle = get_geometry(geometry).readout.particle
    spec = RunSpec(geometry, particle, energy, n, seed, _cuts(e_cut, gamma_cut), (impact_x, impact_y),
                   impact_spread, angle_spread)
    _check_target(out_path, resume, force)
    if force:
        Path(str(out_path) + ".partial").unlink(missing_ok=True)
    new = simulate_file(spec, out_path, workers=workers, resume=resume, chunk_size=chunk_size)
    out.print(f"wrote {out_path}: {n} showers ({new} simulated now) of {spec.particle} in {geometry}")
