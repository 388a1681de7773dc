"""Speed and shower-shape benchmark of the built-in reference Monte Carlo (one core).

Prints showers/s and mean steps per shower at 1, 10 and 100 GeV in ams-ecal (electrons, muons,
protons, pions), ds1-photon-like (photons) and fe-scint-hcal (electrons, protons, pions) and the
time per 50 GeV shower; the hadron-shower checks in fe-scint-hcal (f_em, e/pi, the mean depth
after the first interaction, signal-weighted, against the Bock et al. parameterisation of iron and
uranium data, ``caloforge.mc.analysis.bock_profile``; the CMSSW fast-simulation variant of it is
not a target: HDShower.cc accumulates the radiation-length depth of its EM term step over step,
so its constants do not describe a profile in X0); then the PbWO4 depth of
maximum (e-, photon; 10 and 100 GeV) against ln(E/E_c) + C, the lateral containment of 10 GeV
electrons within 1 and 2 Moliere radii, and the linearity from 1 to 100 GeV.
The ams-ecal energy resolution has its own script, ``benchmarks/ams_resolution.py``.
Target (issue 3): <= 0.4 s per 50 GeV shower on one core.

    .venv/bin/python benchmarks/mc_speed.py            # ~30 s on an idle core
    .venv/bin/python benchmarks/mc_speed.py --quick    # a quarter of the showers
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from caloforge.geometry import get_geometry, get_material
from caloforge.mc import simulate_detailed
from caloforge.mc.analysis import (
    bock_mean_depth,
    effective_critical_energy,
    longitudinal_tmax,
    mean_depth_after_start,
    radial_containment,
)
from caloforge.units import GeV

SPEED_POINTS = (("ams-ecal", "e-"), ("ams-ecal", "mu-"), ("ams-ecal", "p"), ("ams-ecal", "pi+"),
                ("ds1-photon-like", "photon"), ("fe-scint-hcal", "e-"), ("fe-scint-hcal", "p"),
                ("fe-scint-hcal", "pi+"))
HADRON_COUNTS = {10: 200, 100: 40}
SPEED_COUNTS = {1: 100, 10: 20, 100: 4}
TMAX_COUNTS = {10: 60, 100: 16}
LINEARITY_COUNTS = {1: 120, 3: 60, 10: 30, 30: 15, 100: 8}
C_OFFSET = {"e-": -0.5, "photon": 0.5}
GROOM_E0 = {"pi+": 1.0, "p": 2.6}  # GeV: f_em = 1 - (E/E0)^(0.83 - 1), Groom NIM A 572 (2007) 633


def speed(geometry: str, particle: str, e_gev: float, n: int) -> tuple[float, float]:
    """(showers per second, mean steps per shower) after a warm-up shower (numba compilation)."""
    simulate_detailed(geometry, particle, [e_gev * GeV], seed=99)
    t0 = time.perf_counter()
    d = simulate_detailed(geometry, particle, np.full(n, e_gev * GeV), seed=1)
    return n / (time.perf_counter() - t0), float(d.steps.mean())


def shower_shape(scale: float) -> None:
    """PbWO4 depth of maximum, lateral containment and linearity (the physics tests' observables)."""
    geo = get_geometry("pbwo4-block")
    for particle in ("e-", "photon"):
        for e_gev, n in TMAX_COUNTS.items():
            d = simulate_detailed(geo, particle, np.full(max(4, int(n * scale)), e_gev * GeV), seed=11)
            expected = np.log(e_gev * GeV / effective_critical_energy(geo)) + C_OFFSET[particle]
            print(f"  pbwo4 {particle:6s} {e_gev:4d} GeV: t_max {longitudinal_tmax(geo, d.profile):.2f} X0 "
                  f"(ln(E/Ec) + C = {expected:.2f})")
    rm = 10.0 * get_material("PbWO4").moliere_radius_cm
    d = simulate_detailed(geo, "e-", np.full(max(10, int(40 * scale)), 10 * GeV), seed=21)
    one, two = radial_containment(geo, d.showers.showers, [rm, 2 * rm])
    print(f"  pbwo4 e- 10 GeV containment: {one:.3f} within 1 R_M, {two:.3f} within 2 R_M")
    fractions = []
    for e_gev, n in LINEARITY_COUNTS.items():
        d = simulate_detailed(geo, "e-", np.full(max(4, int(n * scale)), e_gev * GeV), seed=22)
        fractions.append(d.showers.total_energy().mean() / (e_gev * GeV))
    f = np.array(fractions)
    pairs = zip(LINEARITY_COUNTS, f, strict=True)
    print("  pbwo4 e- deposited fraction " + " ".join(f"{e} GeV: {x:.4f}" for e, x in pairs))
    print(f"  linearity: max |f/mean(f) - 1| = {np.max(np.abs(f / f.mean() - 1.0)) * 100:.2f} %")


def hadrons(scale: float) -> None:
    """f_em of pions and protons (Groom: 1 - (E / 1 GeV)^-0.17), e/pi of the leakage-corrected
    visible energy, and the mean shower depth after the first interaction vs Bock et al."""
    from caloforge.mc import api as mc

    geo = get_geometry("fe-scint-hcal")
    lam, x0 = geo.depth_mm() / geo.depth_lambda(), geo.depth_mm() / geo.depth_X0()  # a uniform stack
    layer_z = geo.layer_depth_mm()
    for e_gev, n in HADRON_COUNTS.items():
        n = max(10, int(n * scale))
        response = {}
        for particle in ("e-", "pi+", "p"):
            count = n if particle != "e-" else max(5, n // 5)
            d = simulate_detailed(geo, particle, np.full(count, e_gev * GeV), seed=3)
            light = d.accounting[:, mc.ACTIVE] - d.accounting[:, mc.QUENCHED]
            response[particle] = float(np.mean(light / (d.available - d.escaped)))
            if particle == "e-":
                continue
            z1 = d.accounting[:, mc.FIRST_NUCLEAR_Z]
            ok = np.isfinite(z1)
            layers = d.showers.showers.reshape(len(z1), len(layer_z), -1).sum(axis=2)
            depth = mean_depth_after_start(layers[ok], layer_z, z1[ok], lam)
            print(f"  fe-scint-hcal {particle:4s} {e_gev:4d} GeV: f_em {d.em_fraction.mean():.3f} "
                  f"(Groom {1 - (e_gev / GROOM_E0[particle]) ** -0.17:.3f})  mean depth after start {depth:.2f} lambda "
                  f"(Bock {bock_mean_depth(e_gev, x0 / lam):.2f})  invisible/non-EM "
                  f"{np.mean(d.accounting[:, mc.INVISIBLE] / (d.available - d.accounting[:, mc.EM_FROM_PI0])):.3f}")
        print(f"  fe-scint-hcal {e_gev:4d} GeV: e/pi {response['e-'] / response['pi+']:.3f}  "
              f"e/p {response['e-'] / response['p']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the showers")
    args = parser.parse_args()
    scale = 0.25 if args.quick else 1.0
    print("speed (one core):")
    for geometry, particle in SPEED_POINTS:
        for e_gev, n in SPEED_COUNTS.items():
            rate, steps = speed(geometry, particle, e_gev, max(2, int(n * scale)))
            print(f"  {geometry:16s} {particle:6s} {e_gev:4d} GeV: {rate:8.2f} showers/s  "
                  f"{1 / rate:7.3f} s/shower  {steps:12.0f} steps/shower")
    rate, _ = speed("ams-ecal", "e-", 50, max(2, int(6 * scale)))
    print(f"  ams-ecal e- 50 GeV: {1 / rate:.3f} s/shower (target <= 0.4 s)")
    print("shower shape (pbwo4-block):")
    shower_shape(scale)
    print("hadron showers (fe-scint-hcal):")
    hadrons(scale)


if __name__ == "__main__":
    main()
