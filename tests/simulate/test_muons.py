"""Muons in the reference Monte Carlo: minimum-ionising signals, as a physicist checks them first.

Expectations from PDG ch. 34: the mean restricted + delta-ray loss of a 1-10 GeV muon in
polystyrene (~2.1-2.4 MeV cm^2/g, 0.22-0.25 MeV per mm), a Landau-skewed distribution per thin
layer (most probable value well below the mean) and no shower: the same signal in every layer."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.geometry import get_geometry, get_material
from caloforge.mc import simulate, simulate_detailed
from caloforge.mc.heavy_xs import MUON_MASS, heavy_restricted_dedx
from caloforge.mc.materials_table import _atoms_per_cm3
from caloforge.units import GeV


def bethe_mean_mev_per_mm(material: str, kinetic_mev: float) -> float:
    """The unrestricted Bethe-Bloch mean loss of a muon (all transfers up to T_max), MeV/mm."""
    m = get_material(material)
    n_el = sum(n * z for z, n in _atoms_per_cm3(m))
    plasma_ev = 28.816 * np.sqrt(m.density * m.Z_over_A)
    return float(heavy_restricted_dedx(np.array([kinetic_mev]), MUON_MASS, 1e12, n_el, m.mean_excitation_ev,
                                       plasma_ev)[0]) / 10.0


def fibre_mm_per_layer(geometry: str) -> float:
    """Mean plastic path per layer of a normally incident track at a random impact point."""
    return get_geometry(geometry).active_mm_per_layer()


@pytest.mark.slow  # 1200 muons
@pytest.mark.parametrize("energy_gev", [1.0, 10.0])
def test_mip_signal_in_every_layer(energy_gev: float) -> None:
    """Every ams-ecal layer sees a MIP: no layer is empty; the typical (truncated-mean) signal is
    the same at every depth beyond 4 X0 within 8 %, the first four layers up to 12 % lower
    (knock-on equilibrium). The means are not flat: at 10 GeV knock-on electrons of 0.1-1 GeV
    start small showers that peak some X0 downstream, a real effect, so the means rise with depth
    by ~20 %. The mean over all layers matches the Bethe-Bloch mean in the fibres within 12 %
    (delta rays leave and enter the thin fibres; the light is Birks-quenched by 2.5 %); the most
    probable value lies below the mean (Landau tail: median / mean < 0.9). Impact points spread
    over many fibre pitches, as for cosmic rays (a fixed one channels: test_fibres_and_light)."""
    n = 1200  # round fibres and photo-electrons make one layer's MIP signal fluctuate by ~40 %
    showers = simulate("ams-ecal", "mu-", np.full(n, energy_gev * GeV), seed=5,
                       impact_spread=10.0).showers.reshape(n, 18, 72).sum(-1)
    assert (showers > 0).mean() > 0.995
    # the typical signal per layer: the mean of its lowest half (a truncated mean, as for dE/dx;
    # the median itself moves in steps of one photo-electron, 1/55 MeV, ~4 % of a MIP)
    low = np.sort(showers, axis=0)[: n // 2]
    typical = low.mean(axis=0)
    # the first layers have little lead in front: their knock-on electrons (which add to the signal
    # of the cores) build up to equilibrium over ~4 X0; beyond, one layer scatters by ~+-3 %
    deep = typical[4:]
    assert deep.max() / deep.min() < 1.08
    assert np.all((typical[:4] > 0.88 * deep.mean()) & (typical[:4] < 1.02 * deep.mean()))
    expected = bethe_mean_mev_per_mm("polystyrene", energy_gev * GeV) * fibre_mm_per_layer("ams-ecal")
    assert showers.mean() == pytest.approx(expected, rel=0.12)
    assert np.median(showers) / showers.mean() < 0.9
    peak = np.histogram(showers, bins=np.linspace(0, 3 * expected, 61))
    mode = peak[1][np.argmax(peak[0])]
    assert 0.5 * expected < mode < expected


def test_muons_cross_and_keep_the_energy_books() -> None:
    """A 10 GeV muon crosses the 17 X0 ECAL: almost all of its energy leaves through the back, and it
    loses a few hundred MeV at most (mean: the Bethe-Bloch loss of ~10 cm of lead and 7 cm of
    plastic, ~0.2 GeV)."""
    d = simulate_detailed("ams-ecal", "mu-", np.full(50, 10 * GeV), seed=6)
    np.testing.assert_allclose(d.deposited + d.escaped, 10 * GeV, rtol=1e-9)
    back = d.accounting[:, 3]
    assert np.all(back > 9 * GeV)
    assert 100.0 < float(np.median(d.deposited)) < 300.0
    assert d.showers.attrs["particle"] == "mu-" and d.showers.attrs["pdg_id"] == 13


def test_cli_muons(tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "mu.h5"
    result = runner.invoke(app, ["simulate", "--particle", "mu-", "--energy", "10GeV", "--n", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
