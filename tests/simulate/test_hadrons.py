"""Hadron showers in the reference Monte Carlo, checked as a physicist checks them first.

References (shared/docs/hadron-physics.md): PDG nuclear interaction lengths; the pion/proton
absorption cross sections of Carroll et al. PLB 80 (1979) 319; the electromagnetic fraction
f_em = 1 - (E/E0)^(m-1) with E0 = 1 GeV, m = 0.83 for pions (Groom, NIM A 572 (2007) 633; the
published constants range over m = 0.80-0.85, i.e. f_em = 0.29-0.37 at 10 GeV and 0.50-0.60 at
100 GeV); non-compensation (Wigmans, "Calorimetry")."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.geometry import get_geometry, get_material
from caloforge.io import read_showers
from caloforge.mc import api as mc_api
from caloforge.mc import simulate_detailed
from caloforge.mc.analysis import bock_mean_depth, mean_depth_after_start
from caloforge.mc.nuclear_xs import pion_length_ratio
from caloforge.units import GeV

HCAL = "fe-scint-hcal"


def depth_in_lambda(geometry: str, z_mm: np.ndarray, pion: bool) -> np.ndarray:
    """Depth z (mm) expressed in interaction lengths of the particle, slab by slab."""
    geo = get_geometry(geometry)
    edges = geo.z_edges()
    # a fibre slab's mean free path: 1 / lambda averaged over its volume fractions
    lam = np.array([1.0 / s.mean_over(lambda m: 1.0 / (10.0 * m.interaction_length_cm
                                                        * (pion_length_ratio(m) if pion else 1.0)))
                    for s in geo.slabs])
    cum = np.concatenate([[0.0], np.cumsum(np.diff(edges) / lam)])
    k = np.clip(np.searchsorted(edges, z_mm) - 1, 0, len(lam) - 1)
    return cum[k] + (z_mm - edges[k]) / lam[k]


def total_lambda(geometry: str, pion: bool) -> float:
    return float(depth_in_lambda(geometry, np.array([get_geometry(geometry).z_edges()[-1]]), pion)[0])


@pytest.mark.parametrize("particle", ["proton", "pi-", "pi+", "neutron"])
@pytest.mark.parametrize("geometry", ["ams-ecal", HCAL])
def test_energy_books_balance(particle: str, geometry: str) -> None:
    """Deposited + escaped + invisible = kinetic energy (+ m_pi for charged pions) to 1e-9."""
    d = simulate_detailed(geometry, particle, np.array([0.3, 3.0, 20.0]) * GeV, seed=3)
    a = d.accounting
    books = (a[:, mc_api.ACTIVE] + a[:, mc_api.PASSIVE] + a[:, mc_api.ESC_FRONT:mc_api.ESC_SIDE + 1].sum(1)
             + a[:, mc_api.INVISIBLE])
    np.testing.assert_allclose(books, d.available, rtol=1e-9)
    assert np.all(a[:, mc_api.INVISIBLE] >= 0) and np.all(a[:, mc_api.EM_FROM_PI0] >= 0)


@pytest.mark.parametrize("particle", ["proton", "pi+"])
def test_first_interaction_is_exponential_in_lambda(particle: str) -> None:
    """In the 8.8 lambda_I HCAL block, the depth of the first interaction, in the particle's own
    interaction lengths, is Exp(1): mean 1 within 4 standard errors (1/sqrt(N)) and a KS test."""
    n = 600
    pion = particle == "pi+"
    d = simulate_detailed(HCAL, particle, np.full(n, 10 * GeV), seed=11)
    z = d.accounting[:, mc_api.FIRST_NUCLEAR_Z]
    s = depth_in_lambda(HCAL, z[np.isfinite(z)], pion)
    depth = total_lambda(HCAL, pion)
    assert np.isfinite(z).mean() > 0.99  # e^-7 of them cross 7-8 lambda without interacting
    truncated = stats.truncexpon(b=depth)
    assert s.mean() == pytest.approx(truncated.mean(), abs=4 / np.sqrt(n))
    assert stats.kstest(s, truncated.cdf).pvalue > 1e-3


def test_pions_interact_less_often_than_protons() -> None:
    """lambda_pi / lambda_p in iron: 1.23 (Carroll et al.); the mean first-interaction depth of
    pions over that of protons agrees within 12 % (the standard error of the ratio of two
    exponential means is sqrt(2 / N) = 3.7 % at N = 1500: 3.3 sigma) and is above 1.1 (3.5 sigma)."""
    n = 1500
    z_p = simulate_detailed(HCAL, "proton", np.full(n, 10 * GeV), seed=4).accounting[:, mc_api.FIRST_NUCLEAR_Z]
    z_pi = simulate_detailed(HCAL, "pi+", np.full(n, 10 * GeV), seed=4).accounting[:, mc_api.FIRST_NUCLEAR_Z]
    ratio = np.nanmean(z_pi) / np.nanmean(z_p)
    assert ratio > 1.1
    assert ratio == pytest.approx(pion_length_ratio(get_material("Fe")), rel=0.12)


def test_half_of_the_protons_cross_the_ams_ecal() -> None:
    """The AMS ECAL is ~0.6 lambda_I deep: exp(-depth) of the protons (about half) cross it
    without an inelastic interaction, within 4 binomial standard errors."""
    n = 800
    d = simulate_detailed("ams-ecal", "proton", np.full(n, 10 * GeV), seed=8)
    depth = total_lambda("ams-ecal", pion=False)
    assert 0.5 < depth < 0.7
    crossed = np.isnan(d.accounting[:, mc_api.FIRST_NUCLEAR_Z]).mean()
    expected = np.exp(-depth)
    assert crossed == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / n))


def groom_em_fraction(e_gev: float, e0: float = 1.0, m: float = 0.83) -> float:
    return 1.0 - (e_gev / e0) ** (m - 1.0)


@pytest.mark.slow  # ~15 s
def test_em_fraction_of_pion_showers_follows_groom() -> None:
    """f_em of pion showers in iron: within 0.06 of Groom's 0.32 (10 GeV) and 0.54 (100 GeV) -
    the spread of the published constants (+-0.04) plus a model allowance; it rises with energy."""
    f10 = simulate_detailed(HCAL, "pi+", np.full(300, 10 * GeV), seed=1).em_fraction
    f100 = simulate_detailed(HCAL, "pi+", np.full(60, 100 * GeV), seed=1).em_fraction
    assert f10.mean() == pytest.approx(groom_em_fraction(10.0), abs=0.06)
    assert f100.mean() == pytest.approx(groom_em_fraction(100.0), abs=0.06)
    assert f100.mean() > f10.mean() + 0.1
    assert f10.std() > 0.1  # the event-by-event fluctuation that makes hadron resolution poor


@pytest.mark.parametrize(("e_gev", "n"), [(10, 500), pytest.param(100, 80, marks=pytest.mark.slow)])
def test_protons_have_a_lower_em_fraction_than_pions(e_gev: int, n: int) -> None:
    """Baryon number keeps a leading baryon: f_em(p) < f_em(pi) at 10 and 100 GeV by more than two
    standard errors of the difference (the model gives ~6 at 10 GeV with 500 showers, ~4 at
    100 GeV with 80)."""
    f_pi = simulate_detailed(HCAL, "pi+", np.full(n, e_gev * GeV), seed=2).em_fraction
    f_p = simulate_detailed(HCAL, "proton", np.full(n, e_gev * GeV), seed=2).em_fraction
    assert f_p.mean() < f_pi.mean() - 2 * np.sqrt((f_p.var() + f_pi.var()) / n)


def response(particle: str, e_gev: float, n: int) -> float:
    """Scintillation light (Birks-quenched active deposit) per GeV that stayed in the block."""
    d = simulate_detailed(HCAL, particle, np.full(n, e_gev * GeV), seed=5)
    contained = d.available - d.escaped
    return float(np.mean((d.accounting[:, mc_api.ACTIVE] - d.accounting[:, mc_api.QUENCHED]) / contained))


@pytest.mark.slow  # ~25 s
def test_non_compensation_e_over_pi_above_one_and_falling() -> None:
    """e/pi > 1 (invisible nuclear energy) and smaller at 100 than at 10 GeV (f_em rises)."""
    e10, e100 = response("electron", 10, 60), response("electron", 100, 15)
    pi10, pi100 = response("pi+", 10, 300), response("pi+", 100, 60)
    ratio10, ratio100 = e10 / pi10, e100 / pi100
    assert ratio10 > 1.03
    assert ratio100 < ratio10


def test_hadron_showers_are_wider_and_longer_than_em_showers() -> None:
    """At 10 GeV in the HCAL block the energy-weighted mean radius of pion showers is > 2x that
    of electron showers (lambda_I vs the Moliere radius) and their mean depth is larger."""
    geo = get_geometry(HCAL)
    rings = np.array(geo.readout.layers[0].r_edges)
    centres = 0.5 * (rings[1:] + rings[:-1])
    n_r = len(centres)

    def shape(particle: str, n: int) -> tuple[float, float]:
        showers = simulate_detailed(HCAL, particle, np.full(n, 10 * GeV), seed=6).showers.showers
        grid = showers.reshape(n, -1, n_r).astype(float)
        radial, longit = grid.sum(axis=(0, 1)), grid.sum(axis=(0, 2))
        return float((radial * centres).sum() / radial.sum()), float((longit * np.arange(len(longit))).sum()
                                                                     / longit.sum())

    r_e, z_e = shape("electron", 40)
    r_pi, z_pi = shape("pi+", 200)
    assert r_pi > 2.0 * r_e
    assert z_pi > z_e + 2.0  # layers of 0.126 lambda_I


def test_cli_proton_run_and_bad_input(tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "p.h5"
    result = runner.invoke(app, ["simulate", "--geometry", "ams-ecal", "--particle", "p", "--energy", "10GeV:1TeV",
                                 "--n", "6", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    showers = read_showers(out)
    assert showers.attrs["particle"] == "proton" and showers.attrs["pdg_id"] == 2212
    assert showers.energies.min() >= 10 * GeV and showers.energies.max() <= 1000 * GeV
    for args, words in ((["--particle", "kaon", "--energy", "10GeV"], "unknown particle"),
                        (["--particle", "pi+", "--energy", "2TeV"], "beyond 1 TeV"),
                        (["--particle", "p", "--energy", "0GeV"], "energ")):
        bad = tmp_path / "bad.h5"
        result = runner.invoke(app, ["simulate", *args, "--n", "3", "--out", str(bad)])
        assert result.exit_code == 2, result.output
        assert words in result.output and "Traceback" not in result.output
        assert not bad.exists() and not list(tmp_path.glob("bad*"))


def test_hadron_runs_do_not_depend_on_workers_or_chunks(tmp_path) -> None:
    from caloforge.mc.runner import RunSpec, run

    spec = RunSpec("ams-ecal", "pi-", "5GeV:50GeV", n=8, seed=3)
    run(spec, tmp_path / "a.h5", workers=1, chunk_size=3)
    run(spec, tmp_path / "b.h5", workers=2, chunk_size=4)
    np.testing.assert_array_equal(read_showers(tmp_path / "a.h5").showers, read_showers(tmp_path / "b.h5").showers)


# Known deviation (README, "What is not modelled"): at 100 GeV the showers are ~25 % deeper than
# Bock's (2.08-2.14 vs 1.69 lambda_I, seeds 3 and 8); strict, so that a fix shows up here.
DEEP_AT_100_GEV = pytest.mark.xfail(strict=True, reason="pion showers ~25 % deeper than Bock et al. at 100 GeV")


@pytest.mark.slow  # ~20 s
@pytest.mark.parametrize(("e_gev", "n"), [(10, 300), pytest.param(100, 80, marks=DEEP_AT_100_GEV)])
def test_pion_profile_after_the_start_follows_bock(e_gev: int, n: int) -> None:
    """The signal-weighted mean depth of pion showers after their first interaction agrees with
    the Bock et al. parameterisation (1.24 / 1.69 lambda_I at 10 / 100 GeV in this block) within
    20 %: Bock's two-term fit describes its iron and uranium data to ~10 %, and other
    calorimeters (ATLAS Tile, hep-ex/9912028) and Geant4 physics lists differ from it by 10-20 %.
    The statistical error of the mean is 4 % at 10 GeV (300 showers, 0.9 lambda_I spread per
    shower) and 4 % at 100 GeV (80 showers, 0.8 lambda_I)."""
    geo = get_geometry(HCAL)
    lam, x0 = geo.depth_mm() / geo.depth_lambda(), geo.depth_mm() / geo.depth_X0()  # a uniform stack
    layer_z = geo.layer_depth_mm()
    d = simulate_detailed(HCAL, "pi+", np.full(n, e_gev * GeV), seed=8)
    start = d.accounting[:, mc_api.FIRST_NUCLEAR_Z]
    ok = np.isfinite(start)
    layers = d.showers.showers.reshape(n, len(layer_z), -1).sum(axis=2)
    depth = mean_depth_after_start(layers[ok], layer_z, start[ok], lam)
    assert depth == pytest.approx(bock_mean_depth(e_gev, x0 / lam), rel=0.20)
