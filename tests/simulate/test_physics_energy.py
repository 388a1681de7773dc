"""Lateral containment, linearity, resolution and cell-level fluctuations of the reference MC."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.geometry import get_geometry, get_material
from caloforge.mc import simulate_detailed
from caloforge.mc.analysis import fit_resolution, radial_containment
from caloforge.units import GeV

pytestmark = pytest.mark.slow  # Monte Carlo physics: hundreds of showers


def test_lateral_containment_pbwo4() -> None:
    """PDG: ~88-90% of a 10 GeV electron shower inside one Moliere radius, ~95% inside two."""
    geo = get_geometry("pbwo4-block")
    rm = 10.0 * get_material("PbWO4").moliere_radius_cm
    d = simulate_detailed(geo, "e-", [10 * GeV] * 40, seed=21)
    one, two, far = radial_containment(geo, d.showers.showers, [rm, 2 * rm, 3.5 * rm])
    assert 0.84 <= one <= 0.93
    assert 0.91 <= two <= 0.99
    assert one < two < far <= 1.0


def test_linearity_pbwo4() -> None:
    """Deposited fraction in the 25 X0 block constant within 1% from 1 to 100 GeV."""
    counts = {1: 120, 3: 60, 10: 30, 30: 15, 100: 8}
    fractions = []
    for e_gev, n in counts.items():
        d = simulate_detailed("pbwo4-block", "e-", [e_gev * GeV] * n, seed=22)
        fractions.append(d.showers.total_energy().mean() / (e_gev * GeV))
    fractions = np.array(fractions)
    assert np.all(fractions > 0.95)
    assert np.max(np.abs(fractions / fractions.mean() - 1.0)) < 0.01


def test_resolution_ams_falls_like_inverse_sqrt() -> None:
    """Visible energy of the Pb/fibre ECAL: sigma/E = a/sqrt(E) (+) c with a sampling term of a
    few to ~15 %; the fluctuations come from the transport through explicit foils and fibres."""
    geo = get_geometry("ams-ecal")
    energies, counts = np.array([1.0, 4.0, 16.0]), (240, 90, 40)
    rel, err = [], []
    for e_gev, n in zip(energies, counts, strict=True):
        vis = simulate_detailed(geo, "e-", [e_gev * GeV] * n, seed=23).showers.total_energy()
        rel.append(vis.std() / vis.mean())
        err.append(rel[-1] / np.sqrt(2.0 * (n - 1)))
    a, c, _, _ = fit_resolution(energies, np.array(rel), np.array(err))
    assert 0.04 < a < 0.15
    assert c < 0.05
    assert rel[0] > 1.5 * rel[2]  # pure 1/sqrt(E) would give a factor 4 from 1 to 16 GeV


def test_hit_multiplicity_grows_with_energy() -> None:
    geo = get_geometry("ams-ecal")
    hits = [(simulate_detailed(geo, "e-", [e * GeV] * 20, seed=24).showers.showers > 1.0).sum(axis=1).mean()
            for e in (1, 5, 25)]
    assert hits[0] < hits[1] < hits[2]
    assert hits[0] > 5


def test_cells_fluctuate_like_a_sampling_calorimeter() -> None:
    """Two 10 GeV showers differ cell by cell: core cells fluctuate by ~10-60% (shower-to-shower
    development and sampling), much more than the ~4% of the total visible energy."""
    geo = get_geometry("ams-ecal")
    s = simulate_detailed(geo, "e-", [10 * GeV] * 40, seed=25).showers.showers.astype(np.float64)
    mean = s.mean(axis=0)
    core = mean > 0.05 * mean.max()
    cv = s[:, core].std(axis=0) / mean[core]
    total_cv = s.sum(axis=1).std() / s.sum(axis=1).mean()
    assert 0.08 < np.median(cv) < 0.8
    assert np.median(cv) > 2.0 * total_cv
    assert not np.allclose(s[0], s[1])
