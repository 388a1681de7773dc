"""Speed, resolution and shower-shape benchmark of the built-in reference Monte Carlo (one core).

Prints showers/s and mean steps per shower at 1, 10 and 100 GeV in ams-ecal (electrons, muons) and
ds1-photon-like (photons) and the time per 50 GeV shower; fits the ams-ecal visible-energy
resolution sigma/E = a/sqrt(E/GeV) (+) b and reports the longitudinal (back) leakage; then the
PbWO4 depth of maximum (e-, photon; 10 and 100 GeV) against ln(E/E_c) + C, the lateral
containment of 10 GeV electrons within 1 and 2 Moliere radii, and the linearity from 1 to 100 GeV.
Target (issue 3): <= 0.4 s per 50 GeV shower on one core.

    .venv/bin/python benchmarks/mc_speed.py            # ~30 s on an idle core
    .venv/bin/python benchmarks/mc_speed.py --quick    # a quarter of the showers
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import curve_fit

from caloforge.geometry import get_geometry, get_material
from caloforge.mc import simulate_detailed
from caloforge.mc.analysis import effective_critical_energy, longitudinal_tmax, radial_containment
from caloforge.mc.api import ESC_BACK
from caloforge.units import GeV

SPEED_POINTS = (("ams-ecal", "e-"), ("ams-ecal", "mu-"), ("ds1-photon-like", "photon"))
SPEED_COUNTS = {1: 100, 10: 20, 100: 4}
RESOLUTION_COUNTS = {1: 400, 3: 250, 10: 120, 30: 50, 100: 25}
TMAX_COUNTS = {10: 60, 100: 16}
LINEARITY_COUNTS = {1: 120, 3: 60, 10: 30, 30: 15, 100: 8}
C_OFFSET = {"e-": -0.5, "photon": 0.5}


def speed(geometry: str, particle: str, e_gev: float, n: int) -> tuple[float, float]:
    """(showers per second, mean steps per shower) after a warm-up shower (numba compilation)."""
    simulate_detailed(geometry, particle, [e_gev * GeV], seed=99)
    t0 = time.perf_counter()
    d = simulate_detailed(geometry, particle, np.full(n, e_gev * GeV), seed=1)
    return n / (time.perf_counter() - t0), float(d.steps.mean())


def resolution(counts: dict[int, int]) -> None:
    """ams-ecal visible-energy resolution per energy and the fitted stochastic and constant terms."""
    energies, sigma, errors = [], [], []
    for e_gev, n in counts.items():
        d = simulate_detailed("ams-ecal", "e-", np.full(n, e_gev * GeV), seed=2)
        visible = d.showers.total_energy()
        rel = visible.std(ddof=1) / visible.mean()
        energies.append(e_gev)
        sigma.append(rel)
        errors.append(rel / np.sqrt(2 * (n - 1)))
        leak = d.accounting[:, ESC_BACK].mean() / (e_gev * GeV)
        print(f"  ams-ecal e- {e_gev:5.0f} GeV: visible/E {visible.mean() / (e_gev * GeV):.4f}  "
              f"sigma/E {rel:.4f} +- {errors[-1]:.4f}  back leakage {leak:.4f}  (n={n})")
    (a, b), cov = curve_fit(lambda e, a, b: np.sqrt(a**2 / e + b**2), np.array(energies), np.array(sigma),
                            p0=(0.1, 0.01), sigma=np.array(errors), absolute_sigma=True)
    da, db = np.sqrt(np.diag(cov))
    print(f"  fit: stochastic a = {abs(a) * 100:.2f} +- {da * 100:.2f} %/sqrt(GeV), "
          f"constant b = {abs(b) * 100:.2f} +- {db * 100:.2f} %")


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
    print("energy resolution:")
    resolution({e: max(10, int(n * scale)) for e, n in RESOLUTION_COUNTS.items()})
    print("shower shape (pbwo4-block):")
    shower_shape(scale)


if __name__ == "__main__":
    main()
