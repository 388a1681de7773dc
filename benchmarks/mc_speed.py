"""Speed and resolution benchmark of the built-in reference Monte Carlo (one core).

Prints showers/s and mean steps per shower at 1, 10 and 100 GeV in ams-ecal (electrons) and
ds1-photon-like (photons), then fits the ams-ecal visible-energy resolution
sigma/E = a/sqrt(E/GeV) (+) b and reports the longitudinal (back) leakage at 100 GeV.
Target (issue 3): <= 0.4 s per 50 GeV shower on one core.

    .venv/bin/python benchmarks/mc_speed.py            # ~2 minutes
    .venv/bin/python benchmarks/mc_speed.py --quick    # fewer showers
    .venv/bin/python benchmarks/mc_speed.py --kernel driver   # the kernel of simulate/driver.py
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import curve_fit

from caloforge.geometry import get_geometry
from caloforge.simulate import kernel, simulate_detailed
from caloforge.simulate import kernel_common as kc
from caloforge.simulate.api import particle_name
from caloforge.simulate.driver import run_kernel
from caloforge.units import GeV

KERNEL = {"name": "api"}


def simulate_any(geometry: str, particle: str, energies: np.ndarray,
                 seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(visible energy per shower, steps per shower, back leakage per shower) from either kernel."""
    energies = np.asarray(energies, dtype=float)
    if KERNEL["name"] == "api":
        d = simulate_detailed(geometry, particle, energies, seed=seed)
        return d.showers.total_energy(), d.steps, d.accounting[:, kernel.ESC_BACK]
    n = len(energies)
    seeds = np.array([np.random.SeedSequence([seed, i]).generate_state(1)[0] for i in range(n)])
    directions = np.tile([0.0, 0.0, 1.0], (n, 1))
    deposits, acc, _ = run_kernel(get_geometry(geometry), particle_name(particle), energies, seeds,
                               np.zeros((n, 2)), directions)
    return deposits.sum(axis=1), acc[:, kc.N_STEPS], acc[:, kc.ESC_BACK]

SPEED_POINTS = {"ams-ecal": "e-", "ds1-photon-like": "photon"}
SPEED_COUNTS = {1: 100, 10: 20, 100: 4}
RESOLUTION_COUNTS = {1: 400, 3: 250, 10: 120, 30: 50, 100: 25}


def speed(geometry: str, particle: str, e_gev: float, n: int) -> tuple[float, float]:
    """(showers per second, mean steps per shower) after a warm-up shower (numba compilation)."""
    simulate_any(geometry, particle, np.array([e_gev * GeV]), seed=99)
    t0 = time.perf_counter()
    _, steps, _ = simulate_any(geometry, particle, np.full(n, e_gev * GeV), seed=1)
    return n / (time.perf_counter() - t0), float(steps.mean())


def resolution(counts: dict[int, int]) -> None:
    energies, sigma, errors = [], [], []
    for e_gev, n in counts.items():
        visible, _, back = simulate_any("ams-ecal", "e-", np.full(n, e_gev * GeV), seed=2)
        rel = visible.std(ddof=1) / visible.mean()
        energies.append(e_gev)
        sigma.append(rel)
        errors.append(rel / np.sqrt(2 * (n - 1)))
        leak = back.mean() / (e_gev * GeV)
        print(f"  ams-ecal e- {e_gev:5.0f} GeV: visible/E {visible.mean() / (e_gev * GeV):.4f}  "
              f"sigma/E {rel:.4f} +- {errors[-1]:.4f}  back leakage {leak:.4f}  (n={n})")
    (a, b), cov = curve_fit(lambda e, a, b: np.sqrt(a**2 / e + b**2), np.array(energies), np.array(sigma),
                            p0=(0.1, 0.01), sigma=np.array(errors), absolute_sigma=True)
    da, db = np.sqrt(np.diag(cov))
    print(f"  fit: stochastic a = {abs(a) * 100:.2f} +- {da * 100:.2f} %/sqrt(GeV), "
          f"constant b = {abs(b) * 100:.2f} +- {db * 100:.2f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the showers")
    parser.add_argument("--kernel", choices=("api", "driver"), default="api",
                        help="api: caloforge.simulate.simulate_detailed; driver: simulate/driver.py")
    args = parser.parse_args()
    KERNEL["name"] = args.kernel
    scale = 0.25 if args.quick else 1.0
    print(f"kernel: {args.kernel}")
    print("speed (one core):")
    for geometry, particle in SPEED_POINTS.items():
        for e_gev, n in SPEED_COUNTS.items():
            rate, steps = speed(geometry, particle, e_gev, max(2, int(n * scale)))
            print(f"  {geometry:16s} {particle:6s} {e_gev:4d} GeV: {rate:8.2f} showers/s  "
                  f"{1 / rate:7.3f} s/shower  {steps:12.0f} steps/shower")
    rate, _ = speed("ams-ecal", "e-", 50, max(2, int(6 * scale)))
    print(f"  ams-ecal e- 50 GeV: {1 / rate:.3f} s/shower (target <= 0.4 s)")
    print("energy resolution:")
    resolution({e: max(10, int(n * scale)) for e, n in RESOLUTION_COUNTS.items()})


if __name__ == "__main__":
    main()
